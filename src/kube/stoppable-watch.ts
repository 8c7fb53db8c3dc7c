import type { KubeConfig } from '@kubernetes/client-node';
import { Watch } from '@kubernetes/client-node/dist/watch.js';
import type { KubeObject } from '../routing/types.ts';
import { trimObject } from './trim-object.ts';

/** A Watch that opens nothing once its informer is stopped (ListWatch may try after stop()). */
export class StoppableWatch extends Watch {
  readonly #isStopped: () => boolean;
  readonly #transform: ((object: KubeObject) => void) | undefined;

  constructor(kubeConfig: KubeConfig, isStopped: () => boolean, transform?: (object: KubeObject) => void) {
    super(kubeConfig);
    this.#isStopped = isStopped;
    this.#transform = transform;
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.#isStopped()) {
      const controller = new AbortController();
      controller.abort();
      return controller;
    }
    const trimmed = (phase: string, apiObj: unknown, watchObj?: unknown) => {
      trimObject(apiObj);
      if (this.#transform !== undefined && typeof apiObj === 'object' && apiObj !== null)
        this.#transform(apiObj as KubeObject);
      callback(phase, apiObj, watchObj);
    };
    const controller = await super.watch(path, queryParams, trimmed, done);
    if (this.#isStopped()) controller.abort();
    return controller;
  }
}
