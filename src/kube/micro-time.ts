/** A Kubernetes MicroTime ("2006-01-02T15:04:05.000000Z"), as Lease and events.k8s.io times need. */
export function microTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
