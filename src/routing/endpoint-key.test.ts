import { describe, expect, it } from 'vitest';
import { endpointKey } from './endpoint-key.ts';

describe('endpointKey', () => {
  it('writes IPv4 and names plainly and brackets IPv6, so the port stays unambiguous', () => {
    expect(endpointKey('10.0.0.7', 8080)).toBe('10.0.0.7:8080');
    expect(endpointKey('backend.example', 80)).toBe('backend.example:80');
    expect(endpointKey('::1', 80)).toBe('[::1]:80');
    expect(endpointKey('fd00::a:1', 443)).toBe('[fd00::a:1]:443');
  });
});
