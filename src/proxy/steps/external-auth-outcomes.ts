/** How an external-auth decision was reached: the auth service's answer, its failure, or auth-cache-key's cache. */
export const AUTH_OUTCOMES = ['allowed', 'denied', 'error', 'timeout', 'cached'] as const;

export const OUTCOME_ALLOWED = 0;
export const OUTCOME_DENIED = 1;
export const OUTCOME_ERROR = 2;
export const OUTCOME_TIMEOUT = 3;
export const OUTCOME_CACHED = 4;

/** Decisions by auth service ("host:port" of auth-url) and outcome (indexes of AUTH_OUTCOMES); read by metrics. */
export const externalAuthOutcomes = new Map<string, Float64Array>();

/** The counters of one auth service, made once per compiled step (not per request). */
export function outcomeCounters(service: string): Float64Array {
  let counts = externalAuthOutcomes.get(service);
  if (counts === undefined) {
    counts = new Float64Array(AUTH_OUTCOMES.length);
    externalAuthOutcomes.set(service, counts);
  }
  return counts;
}

const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** An undici failure that is a timeout (connect, answer head, body) rather than a refused or broken connection. */
export function isTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TIMEOUT_CODES.has(code);
}
