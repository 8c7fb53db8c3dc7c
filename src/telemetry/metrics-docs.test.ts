import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureState } from '../../test/support/admin-state-fixture.ts';
import { requestRecord } from '../../test/support/request-record-fixture.ts';
import { type ExposedFamily, labelNames, parseExposition } from '../../test/support/telemetry-exposition.ts';
import { OUTCOME_ALLOWED, outcomeCounters } from '../proxy/steps/external-auth-outcomes.ts';
import { createMetrics } from './metrics.ts';

const docs = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');

/** Every family the code exposes (with and without the ingress-nginx compat), after some traffic. */
async function exposedFamilies(): Promise<Map<string, ExposedFamily>> {
  const controller = { controllerNamespace: 'sluice', controllerClass: 'c', controllerPod: 'p' };
  const metrics = createMetrics({ processMetrics: false, ingressNginx: controller });
  metrics.tablePublished(fixtureState());
  metrics.requestDone(requestRecord({ upstreamConnectMs: 2, error: 'reset' }));
  outcomeCounters('auth.example:80')[OUTCOME_ALLOWED]++;
  return parseExposition(await metrics.text());
}

/** Rows of the Markdown table whose first cell is a `metric` name starting with the prefix. */
function tableRows(markdown: string, prefix: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith(`| \`${prefix}`))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replaceAll('`', '')),
    );
}

const HISTOGRAM_PARTS = /_(bucket|sum|count)$/;
/** Labels Prometheus adds when it scrapes, and the bucket label. */
const SCRAPE_LABELS = new Set(['instance', 'job', 'le']);

describe('docs/metrics.md', () => {
  it("lists exactly sluice's own metrics, with their types and labels", async () => {
    const families = await exposedFamilies();
    const exposed = [...families.values()]
      .filter((f) => f.name.startsWith('sluice_'))
      .map((f) => [f.name, f.type, labelNames(f).join(', ')]);
    const documented = tableRows(docs('metrics.md'), 'sluice_').map(([name, type, labels]) => [
      name,
      type,
      labels.split(', ').filter(Boolean).sort().join(', '),
    ]);
    expect(documented).toEqual(exposed);
  });

  it('lists exactly the nginx_ingress_controller_* metrics --metrics-compat exposes, with their types', async () => {
    const families = await exposedFamilies();
    const exposed = [...families.values()].filter((f) => f.name.startsWith('nginx_ingress_controller_'));
    const documented = tableRows(docs('metrics.md'), 'nginx_ingress_controller_').map(([name, type]) => [name, type]);
    expect(documented.sort()).toEqual(exposed.map((f) => [f.name, f.type]).sort());
  });
});

describe('docs/grafana-dashboard.json', () => {
  const dashboard = JSON.parse(docs('grafana-dashboard.json'));
  const queries: string[] = [
    ...dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr)),
    ...dashboard.templating.list
      .filter((v: { type: string }) => v.type === 'query')
      .map((v: { definition: string }) => v.definition),
  ];

  it('has panels with queries, each on a unique id', () => {
    expect(dashboard.panels.length).toBeGreaterThan(10);
    expect(new Set(dashboard.panels.map((p: { id: number }) => p.id)).size).toBe(dashboard.panels.length);
    expect(queries.every((q) => typeof q === 'string' && q.length > 0)).toBe(true);
  });

  it('queries only metric names and labels the code exposes', async () => {
    const families = await exposedFamilies();
    const problems: string[] = [];
    for (const query of queries) {
      const names = [...query.matchAll(/\b(sluice_[a-z_]+)\b/g)].map((m) => m[1]);
      if (names.length === 0) problems.push(`no sluice metric in: ${query}`);
      const labels = new Set(SCRAPE_LABELS);
      for (const name of names) {
        const family = families.get(name) ?? families.get(name.replace(HISTOGRAM_PARTS, ''));
        if (family === undefined || (family.name !== name && family.type !== 'histogram')) {
          problems.push(`${name} is not exposed (in: ${query})`);
          continue;
        }
        for (const label of labelNames(family)) labels.add(label);
      }
      const used = [
        ...[...query.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((l) => l.trim())),
        ...[...query.matchAll(/([a-z_]+)\s*(?:=~|!=|!~|=)\s*"/g)].map((m) => m[1]),
        ...[...query.matchAll(/label_values\([^,]+,\s*([a-z_]+)\)/g)].map((m) => m[1]),
      ];
      for (const label of used) if (!labels.has(label)) problems.push(`label ${label} is not on ${names.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('the check catches a misspelt metric', async () => {
    const families = await exposedFamilies();
    expect(families.has('sluice_request_total')).toBe(false);
    expect(families.get('sluice_request_duration_seconds')?.type).toBe('histogram');
  });
});
