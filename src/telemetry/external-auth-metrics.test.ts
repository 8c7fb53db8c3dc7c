import { describe, expect, it } from 'vitest';
import { OUTCOME_CACHED, OUTCOME_TIMEOUT, outcomeCounters } from '../proxy/steps/external-auth-outcomes.ts';
import { createMetrics } from './metrics.ts';

describe('sluice_external_auth_requests_total', () => {
  it('exposes the outcome counters of each auth service', async () => {
    const counts = outcomeCounters('auth.metrics-test:9000');
    expect(outcomeCounters('auth.metrics-test:9000')).toBe(counts);
    counts[OUTCOME_CACHED] += 3;
    counts[OUTCOME_TIMEOUT] += 1;
    const text = await createMetrics({ processMetrics: false }).text();
    const line = (outcome: string) =>
      text
        .split('\n')
        .find((l) => l.includes('service="auth.metrics-test:9000"') && l.includes(`outcome="${outcome}"`));
    expect(line('cached')).toMatch(/ 3$/);
    expect(line('timeout')).toMatch(/ 1$/);
    expect(line('allowed')).toMatch(/ 0$/);
    expect(text).toContain('# TYPE sluice_external_auth_requests_total counter');
  });
});
