// client-node loads far more than sluice calls. Its KubeConfig (config.js) imports the whole generated API
// (gen/index.js: every API class and model of every group) for two names, createConfiguration and
// ServerConfiguration; its ListWatch (cache.js) imports the model serializer (757 model classes) only to
// pass label and field selectors through as strings. Loading them cost ~60 MiB RSS, ~16 MiB heap and
// ~500 ms at start. This resolve hook hands those two modules slim stand-ins (client-node-gen.ts,
// client-node-serializer.ts). If a client-node release changes either import, client-node-slim.test.ts
// fails; at run time an unmatched import simply loads the full module as before.
import { registerHooks } from 'node:module';

const DIST = '/@kubernetes/client-node/dist/';

/** [importing module, specifier it imports, what to load instead]. */
const REDIRECTS: readonly (readonly [string, string, string])[] = [
  [`${DIST}config.js`, './gen/index.js', new URL('./client-node-gen.ts', import.meta.url).href],
  [`${DIST}cache.js`, './serializer.js', new URL('./client-node-serializer.ts', import.meta.url).href],
];

export function slimClientNode(): void {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      for (const [parent, imported, slim] of REDIRECTS) {
        if (specifier === imported && context.parentURL?.endsWith(parent) === true) {
          return { url: slim, shortCircuit: true };
        }
      }
      return nextResolve(specifier, context);
    },
  });
}
