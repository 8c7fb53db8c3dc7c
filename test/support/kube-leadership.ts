import type { Leadership } from '../../src/kube/leadership.ts';

/** A replica that is always the leader and never changes: for tests of the writers that ask. */
export const alwaysLeader: Leadership = {
  isLeader: () => true,
  subscribe: () => () => {},
};
