/** "https://*.example.com" → its scheme and ".example.com". */
interface WildcardOrigin {
  readonly scheme: string;
  readonly suffix: string;
}

/**
 * The origins a CORS policy allows, compared case-insensitively: "*", exact origins, and wildcards
 * "scheme://*.domain", whose "*" stands for one label (ingress-nginx's cors-allow-origin) or for one or more
 * (Gateway API's HTTPCORSFilter).
 */
export class CorsOrigins {
  readonly any: boolean;
  readonly exact: ReadonlySet<string>;
  readonly wildcards: readonly WildcardOrigin[];
  readonly manyLabels: boolean;

  constructor(origins: readonly string[], wildcard: 'one label' | 'one or more labels') {
    const lower = origins.map((origin) => origin.toLowerCase());
    this.any = lower.includes('*');
    this.exact = new Set(lower.filter((origin) => !origin.includes('*')));
    this.wildcards = lower
      .filter((origin) => origin.includes('://*.'))
      .map((origin) => ({
        scheme: origin.slice(0, origin.indexOf('://') + 3),
        suffix: origin.slice(origin.indexOf('*') + 1),
      }));
    this.manyLabels = wildcard === 'one or more labels';
  }

  allows(origin: string): boolean {
    if (this.any) return true;
    const lower = origin.toLowerCase();
    if (this.exact.has(lower)) return true;
    for (const wildcard of this.wildcards) {
      if (!lower.startsWith(wildcard.scheme) || !lower.endsWith(wildcard.suffix)) continue;
      const labels = lower.slice(wildcard.scheme.length, lower.length - wildcard.suffix.length);
      if (labels.length === 0 || labels.includes('/') || labels.includes(':')) continue;
      if (this.manyLabels || !labels.includes('.')) return true;
    }
    return false;
  }
}
