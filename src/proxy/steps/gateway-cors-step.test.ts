import { describe, expect, it } from 'vitest';
import type { Cors } from '../../routing/policy-types.ts';
import { ANSWERED, CONTINUE, type StepExchange } from '../pipeline/steps.ts';
import { GatewayCorsStep } from './gateway-cors-step.ts';

const base: Cors = {
  allowOrigins: ['https://www.foo.com', 'https://*.bar.com'],
  allowMethods: 'GET, OPTIONS',
  allowHeaders: '*',
  exposeHeaders: '',
  allowCredentials: false,
  maxAgeSeconds: 5,
  gateway: true,
  field: 'spec.rules[0].filters[0]',
};

function exchange(method: string, headers: Record<string, string>) {
  const added: string[] = [];
  const answered: { status: number; headers: readonly string[] }[] = [];
  const fake = {
    method,
    header: (name: string) => headers[name] ?? null,
    addResponseHeader: (name: string, value: string) => added.push(name, value),
    answer: (status: number, head: readonly string[] | null) => answered.push({ status, headers: head ?? [] }),
  } as unknown as StepExchange;
  return { fake, added, answered };
}

// conformance/tests/httproute-cors.go, in short.
describe('GatewayCorsStep', () => {
  it('matches wildcard origins of any depth, exact ones in any case, nothing else', () => {
    const step = new GatewayCorsStep(base);
    expect(step.origins.allows('https://a.bar.com')).toBe(true);
    expect(step.origins.allows('https://x.y.bar.com')).toBe(true);
    expect(step.origins.allows('https://WWW.FOO.COM')).toBe(true);
    expect(step.origins.allows('https://bar.com')).toBe(false);
    expect(step.origins.allows('http://a.bar.com')).toBe(false);
    expect(step.origins.allows('https://a.bar.com:8443')).toBe(false);
    expect(step.origins.allows('https://evilbar.com')).toBe(false);
  });

  it('answers a preflight at the edge, echoing the asked headers for "*"', () => {
    const { fake, added, answered } = exchange('OPTIONS', {
      origin: 'https://x.bar.com',
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'x-a, x-b',
    });
    expect(new GatewayCorsStep(base).apply(fake)).toBe(ANSWERED);
    expect(added).toEqual(['access-control-allow-origin', 'https://x.bar.com', 'vary', 'Origin']);
    expect(answered).toEqual([
      {
        status: 204,
        headers: [
          'access-control-allow-methods',
          'GET, OPTIONS',
          'access-control-allow-headers',
          'x-a, x-b',
          'access-control-max-age',
          '5',
        ],
      },
    ]);
  });

  it('with "*" origins: "*" without credentials, the origin itself with them; an OPTIONS without a requested method goes on', () => {
    const open = { ...base, allowOrigins: ['*'] };
    const plain = exchange('OPTIONS', { origin: 'https://any.example' });
    expect(new GatewayCorsStep(open).apply(plain.fake)).toBe(CONTINUE);
    expect(plain.added).toEqual(['access-control-allow-origin', '*']);
    const withCredentials = exchange('GET', { origin: 'https://any.example' });
    new GatewayCorsStep({ ...open, allowCredentials: true }).apply(withCredentials.fake);
    expect(withCredentials.added).toEqual([
      'access-control-allow-origin',
      'https://any.example',
      'vary',
      'Origin',
      'access-control-allow-credentials',
      'true',
    ]);
  });
});
