// The entry point. It slims client-node before anything imports it (see kube/client-node-slim.ts), which
// must happen before the rest of the module graph is even resolved, hence the dynamic import.
import { slimClientNode } from './kube/client-node-slim.ts';

slimClientNode();
await import('./run.ts');
