/** Whether this replica may write to the cluster (Ingress status, Events), and when that changes. */
export interface Leadership {
  isLeader(): boolean;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (leading: boolean) => void): () => void;
}
