import { describe, expect, it } from 'vitest';
import type { StepExchange } from '../pipeline/steps.ts';
import { RequestHeadersStep } from './request-headers-step.ts';

const field = { kind: 'HTTPRoute', namespace: 'infra', name: 'r', field: 'spec.rules[0].filters[0]' };

// Gateway API HTTPHeaderFilter `add` (conformance HTTPRouteRequestHeaderModifier): appended after the request's own.
describe('RequestHeadersStep add', () => {
  it('sets, adds a line after any existing one, and removes, whatever the case of the names', () => {
    const step = new RequestHeadersStep(
      {
        set: [['x-header-set', 'header-set']],
        add: [['x-header-add', 'header-add']],
        remove: ['x-header-remove'],
        field,
      } as never,
      null,
      null,
    );
    const headers = ['X-Header-Set', 'old', 'x-header-add', 'original', 'X-Header-Remove', 'gone', 'other', 'kept'];
    step.apply({ headers, setUpstreamHost() {} } as unknown as StepExchange);
    expect(headers).toEqual([
      'x-header-add',
      'original',
      'other',
      'kept',
      'x-header-set',
      'header-set',
      'x-header-add',
      'header-add',
    ]);
  });
});
