// Every flag sluice accepts, in the order --help and the README show them: one table drives parsing, --help
// and the README table, so they cannot drift apart. A new group of flags goes in its own flags-<area>.ts (its
// Config fields in types.ts) and is spread here at its place in the order.
import { WATCH_FLAGS } from './flags-watch.ts';
import { LISTENER_FLAGS } from './flags-listeners.ts';
import { PROCESS_FLAGS } from './flags-process.ts';
import { REQUEST_FLAGS } from './flags-requests.ts';
import { gatewayFlags } from './flags-gateway.ts';
import { OPERABILITY_FLAGS } from './flags-operability.ts';
import type { FlagSpec } from './types.ts';

export const FLAGS: readonly FlagSpec[] = Object.freeze([
  ...WATCH_FLAGS,
  ...LISTENER_FLAGS,
  ...PROCESS_FLAGS,
  ...REQUEST_FLAGS,
  ...gatewayFlags(),
  ...OPERABILITY_FLAGS,
]);

/** "http-port" → "SLUICE_HTTP_PORT". */
export function envVarName(flagName: string): string {
  return `SLUICE_${flagName.toUpperCase().replaceAll('-', '_')}`;
}

export const FLAGS_BY_NAME: ReadonlyMap<string, FlagSpec> = new Map(FLAGS.map((spec) => [spec.name, spec]));
