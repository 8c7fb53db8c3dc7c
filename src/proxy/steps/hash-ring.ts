// A consistent-hash ring (as ingress-nginx's upstream-hash-by uses resty.chash): each endpoint owns many
// points on a 32-bit circle; a key goes to the first point at or after its hash. When one of N endpoints
// leaves, only the keys it owned (about 1/N) move.

const POINTS_PER_ENDPOINT = 160;

/** FNV-1a, 32 bits, then a murmur3 finaliser so nearby inputs spread over the circle. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class HashRing {
  readonly points: Uint32Array;
  /** owners[i] is the endpoint id of points[i]. */
  readonly owners: readonly string[];

  constructor(ids: readonly string[]) {
    const entries: Array<[number, string]> = [];
    for (const id of ids) for (let i = 0; i < POINTS_PER_ENDPOINT; i++) entries.push([hash32(`${id}#${i}`), id]);
    entries.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
    this.points = Uint32Array.from(entries, (entry) => entry[0]);
    this.owners = entries.map((entry) => entry[1]);
  }

  /** The endpoint id owning `key`, or null for an empty ring. */
  lookup(key: string): string | null {
    const points = this.points;
    if (points.length === 0) return null;
    const h = hash32(key);
    let low = 0;
    let high = points.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (points[mid] < h) low = mid + 1;
      else high = mid;
    }
    return this.owners[low === points.length ? 0 : low];
  }
}
