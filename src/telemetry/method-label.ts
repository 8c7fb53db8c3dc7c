/** The fixed set of method label values: anything else counts as OTHER, so clients cannot grow the label set. */
export const METHOD_LABELS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'CONNECT',
  'TRACE',
  'OTHER',
] as const;

/** Index into METHOD_LABELS. Methods are case-sensitive (RFC 9110), so `get` is OTHER. */
export function methodIndex(method: string): number {
  switch (method) {
    case 'GET':
      return 0;
    case 'HEAD':
      return 1;
    case 'POST':
      return 2;
    case 'PUT':
      return 3;
    case 'DELETE':
      return 4;
    case 'PATCH':
      return 5;
    case 'OPTIONS':
      return 6;
    case 'CONNECT':
      return 7;
    case 'TRACE':
      return 8;
    default:
      return 9;
  }
}

/** A status code as a bounded label: 100–599 as sent, anything else (0 when no response was sent) as 0. */
export function statusCodeLabel(status: number): number {
  return status >= 100 && status <= 599 ? status | 0 : 0;
}
