import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { isTimeout } from './external-auth-outcomes.ts';

describe('isTimeout', () => {
  it("tells undici's connect, head and body timeouts from other failures", () => {
    expect(isTimeout(new errors.ConnectTimeoutError())).toBe(true);
    expect(isTimeout(new errors.HeadersTimeoutError())).toBe(true);
    expect(isTimeout(new errors.BodyTimeoutError())).toBe(true);
    expect(isTimeout(new errors.SocketError('reset'))).toBe(false);
    expect(isTimeout(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isTimeout(null)).toBe(false);
  });
});
