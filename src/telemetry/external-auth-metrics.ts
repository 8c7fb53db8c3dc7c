import type { Registry } from 'prom-client';
import { AUTH_OUTCOMES, externalAuthOutcomes } from '../proxy/steps/external-auth-outcomes.ts';
import { type Sample, registerCollected } from './collected-metric.ts';

/** sluice_external_auth_requests_total: external-auth decisions by auth service and outcome. */
export function registerExternalAuthMetrics(registry: Registry): void {
  registerCollected(
    registry,
    'sluice_external_auth_requests_total',
    'External authentication (auth-url) decisions, by auth service and outcome: allowed, denied, error, timeout, or cached (answered by auth-cache-key without asking).',
    'counter',
    'sum',
    () => {
      const out: Sample[] = [];
      for (const [service, counts] of externalAuthOutcomes)
        for (let i = 0; i < AUTH_OUTCOMES.length; i++)
          out.push({ labels: { service, outcome: AUTH_OUTCOMES[i] }, value: counts[i] });
      return out;
    },
  );
}
