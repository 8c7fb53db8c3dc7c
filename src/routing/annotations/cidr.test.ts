import { describe, expect, it } from 'vitest';
import { canonicalCidr, parseCidrList } from './cidr.ts';

// ingress-nginx reads these with net.ParseCIDRs (internal/net/ipnet.go): bare addresses are /32 or /128.
describe('canonicalCidr', () => {
  const cases: ReadonlyArray<[string, string | null]> = [
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['192.168.0.1', '192.168.0.1/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8::1/32', '2001:db8::/32'],
    ['::1', '::1/128'],
    ['::/0', '::/0'],
    ['fe80:0:0:0:1:0:0:1', 'fe80::1:0:0:1/128'],
    ['10.0.0.0/33', null],
    ['10.0.0', null],
    ['010.0.0.1', null],
    ['256.0.0.1', null],
    ['1:2:3:4:5:6:7:8:9', null],
    ['1::2::3', null],
    ['example.com', null],
    ['10.0.0.0/', null],
  ];
  for (const [text, expected] of cases) it(`${text} → ${expected}`, () => expect(canonicalCidr(text)).toBe(expected));

  it('reads a comma-separated list, dropping duplicates, and refuses an empty one', () => {
    expect(parseCidrList(' 10.0.0.1/8 ,10.0.0.0/8, ::1 ')).toEqual({ ok: true, value: ['10.0.0.0/8', '::1/128'] });
    expect(parseCidrList(' , ').ok).toBe(false);
  });
});
