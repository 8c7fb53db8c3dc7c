import { describe, expect, it } from 'vitest';
import { rawHttpResponse } from './listeners-responses.ts';

describe('rawHttpResponse', () => {
  it('writes a closing response with the given body', () => {
    const text = rawHttpResponse(403, 'no\n');
    expect(text.startsWith('HTTP/1.1 403 Forbidden\r\n')).toBe(true);
    expect(text).toContain('Content-Length: 3\r\nConnection: close\r\n\r\nno\n');
  });

  it("carries a request step's headers (an Upgrade it refused), never one with CR or LF", () => {
    const text = rawHttpResponse(401, 'x', ['www-authenticate', 'Basic realm="a"', 'x-evil', 'a\r\nSet-Cookie: s=1']);
    expect(text).toContain('\r\nwww-authenticate: Basic realm="a"\r\n');
    expect(text).not.toContain('x-evil');
    expect(text).not.toContain('Set-Cookie');
  });
});
