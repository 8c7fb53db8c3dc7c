/** Whether this replica may write to the cluster (Ingress status, Events), and when that changes. */
export interface Leadership {
  isLeader(): boolean;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (leading: boolean) => void): () => void;
}

/** For a controller that runs alone and elects nobody (and for tests). */
export const alwaysLeader: Leadership = {
  isLeader: () => true,
  subscribe: () => () => {},
};
