// Edits of flat [name, value, ...] header lists, as the pipeline keeps them. Names compared case-insensitively.

function sameName(name: string, lower: string): boolean {
  return name.length === lower.length && name.toLowerCase() === lower;
}

/** Removes every header named `lower` (a lower-case name). */
export function removeHeader(headers: string[], lower: string): void {
  let write = 0;
  for (let read = 0; read < headers.length; read += 2) {
    if (sameName(headers[read], lower)) continue;
    headers[write] = headers[read];
    headers[write + 1] = headers[read + 1];
    write += 2;
  }
  headers.length = write;
}

/** Replaces every header named `lower` with one `lower: value`. */
export function setHeader(headers: string[], lower: string, value: string): void {
  removeHeader(headers, lower);
  headers.push(lower, value);
}

/** The first value of header `lower`, or null. */
export function headerValue(headers: readonly string[], lower: string): string | null {
  for (let i = 0; i < headers.length; i += 2) if (sameName(headers[i], lower)) return headers[i + 1];
  return null;
}
