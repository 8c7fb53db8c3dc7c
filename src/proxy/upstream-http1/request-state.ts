/** Where an upstream request is in its life (UpstreamRequest.state). */
export const RequestState = {
  /** Waiting in the pool's queue or for its connection to open. */
  Waiting: 0,
  /** On a connection: head written or being written. */
  Active: 1,
  Done: 2,
} as const;
export type RequestState = (typeof RequestState)[keyof typeof RequestState];
