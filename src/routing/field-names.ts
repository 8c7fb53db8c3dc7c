// Field paths that name where in an Ingress a route was written. Every build names thousands of
// routes, nearly all in the first few rules and paths: those names are made once and reused.

const CACHED_RULES = 16;
const CACHED_PATHS = 64;

const ruleFields: string[] = [];
const pathFields: string[][] = [];

/** "spec.rules[r]" */
export function ruleField(r: number): string {
  if (r >= CACHED_RULES) return `spec.rules[${r}]`;
  return (ruleFields[r] ??= `spec.rules[${r}]`);
}

/** "spec.rules[r].http.paths[p]" */
export function pathField(r: number, p: number): string {
  if (r >= CACHED_RULES || p >= CACHED_PATHS) return `spec.rules[${r}].http.paths[${p}]`;
  const paths = (pathFields[r] ??= []);
  return (paths[p] ??= `spec.rules[${r}].http.paths[${p}]`);
}
