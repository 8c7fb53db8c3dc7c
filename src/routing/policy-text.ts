// The dump's text of a route's traffic policy and canary: every piece that is set, in name order,
// generically (so a new piece shows without a change here). `field` is left out: problems carry it.

import type { Canary, TrafficPolicy } from './policy-types.ts';

function valueText(value: unknown): string | null {
  if (value === null || value === undefined || value === false) return null;
  if (value === true) return '';
  if (typeof value === 'string') return value === '' ? null : JSON.stringify(value).slice(1, -1);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'unlimited';
  if (Array.isArray(value)) {
    const items = value.map((item) => (Array.isArray(item) ? `${item[0]}:${item[1]}` : (valueText(item) ?? '')));
    return items.length === 0 ? null : items.join(',');
  }
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const key of Object.keys(value).sort()) {
      if (key === 'field') continue;
      const text = valueText((value as Record<string, unknown>)[key]);
      if (text !== null) parts.push(text === '' ? key : `${key}=${text}`);
    }
    return `{${parts.join(' ')}}`;
  }
  return String(value);
}

/** "cors{allowOrigins=* ...} rewrite{target=/$1}", or '' when nothing is set. */
export function trafficText(traffic: TrafficPolicy | undefined): string {
  if (traffic === undefined) return '';
  const parts: string[] = [];
  for (const key of Object.keys(traffic).sort()) {
    const text = valueText((traffic as unknown as Record<string, unknown>)[key]);
    if (text !== null) parts.push(text === '' ? key : text.startsWith('{') ? `${key}${text}` : `${key}=${text}`);
  }
  return parts.join(' ');
}

export function canaryText(canary: Canary): string {
  const rules: string[] = [];
  if (canary.header !== null) {
    const test = canary.header.value ?? (canary.header.pattern === null ? 'always|never' : `~${canary.header.pattern}`);
    rules.push(`header ${canary.header.name}=${test}`);
  }
  if (canary.cookie !== null) rules.push(`cookie ${canary.cookie}=always|never`);
  rules.push(`weight ${canary.weight}/${canary.weightTotal}`);
  return `canary → ${canary.backend}  from ${canary.source.namespace}/${canary.source.name} ${canary.field}  [${rules.join(', ')}]`;
}
