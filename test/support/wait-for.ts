export interface WaitOptions {
  /** Default 5 s. */
  readonly timeoutMs?: number;
  /** Named in the timeout error. */
  readonly what?: string;
}

/**
 * Polls `condition` until it returns a value other than undefined, null or false (then returns it), or
 * throws once `timeoutMs` has passed. Tests wait for conditions like this, never sleep for a fixed time.
 */
export async function waitFor<T>(
  condition: () => T | undefined | null | false,
  { timeoutMs = 5000, what = 'a condition' }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
