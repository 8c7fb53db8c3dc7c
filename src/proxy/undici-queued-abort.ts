import { createRequire } from 'node:module';

/**
 * undici's hook for taking a request out of a Pool's or Client's queue while it waits for a connection
 * (what its own `signal` option uses). A dispatch option under this symbol is called with a `cancel(reason)`
 * that removes the queued request and fails it through the handler's onResponseError, without touching any
 * connection. The symbol is internal to undici (lib/core/symbols.js); null when a future version drops it,
 * and then a queued request of a departed client is aborted when it starts instead.
 */
export const queuedAbortKey: symbol | null = findQueuedAbortKey();

function findQueuedAbortKey(): symbol | null {
  try {
    const symbols = createRequire(import.meta.url)('undici/lib/core/symbols.js') as Record<string, unknown>;
    const key = symbols.kQueuedAbort;
    return typeof key === 'symbol' ? key : null;
  } catch {
    return null;
  }
}
