// client-node's KubeConfig (config.js) imports its whole generated API (gen/index.js: every API class and
// model of every Kubernetes group) for the two names it uses, createConfiguration and ServerConfiguration.
// sluice never calls a generated API, yet loading them cost ~45 MiB RSS, ~15 MiB heap and ~400 ms at start.
// This resolve hook hands config.js a module with just those two names, from the same library files.
// If a client-node release moves or renames that import, the hook no longer matches and the full module
// loads as before (client-node-slim.test.ts fails first, so the saving is not lost silently).
import { registerHooks } from 'node:module';

const CONFIG_MODULE = '/@kubernetes/client-node/dist/config.js';
const FULL_GENERATED_API = './gen/index.js';
const SLIM_GENERATED_API = new URL('./client-node-gen.ts', import.meta.url).href;

export function slimClientNode(): void {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === FULL_GENERATED_API && context.parentURL?.endsWith(CONFIG_MODULE) === true) {
        return { url: SLIM_GENERATED_API, shortCircuit: true };
      }
      return nextResolve(specifier, context);
    },
  });
}
