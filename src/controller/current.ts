import type { RoutingState } from './state.ts';

export type StateListener = (state: RoutingState) => void;

/**
 * The one mutable cell of sluice: the published routing state. Readers take `get()` once per
 * request and keep that value to the end, so a request sees a single generation.
 */
export interface Current {
  get(): RoutingState | null;
  publish(next: RoutingState): void;
  subscribe(listener: StateListener): () => void;
}

export function createCurrent(): Current {
  let state: RoutingState | null = null;
  const listeners = new Set<StateListener>();
  return {
    get: () => state,
    publish(next) {
      state = next;
      for (const listener of listeners) listener(next);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
