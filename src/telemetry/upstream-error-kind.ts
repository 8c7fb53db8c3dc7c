/** The `error` kinds of a RequestRecord that count as upstream errors; others are the client's doing. */
export const UPSTREAM_ERROR_KINDS = [
  'connect-refused',
  'connect-timeout',
  'reset',
  'timeout',
  'no-endpoint',
  'other',
] as const;

/** Index into UPSTREAM_ERROR_KINDS, or -1 for kinds that are not the upstream's fault. */
export function upstreamErrorIndex(kind: string): number {
  switch (kind) {
    case 'connect-refused':
      return 0;
    case 'connect-timeout':
      return 1;
    case 'reset':
      return 2;
    case 'timeout':
      return 3;
    case 'no-endpoint':
      return 4;
    case 'client-abort':
    case 'bad-request':
    case 'no-route':
      return -1;
    default:
      return 5;
  }
}
