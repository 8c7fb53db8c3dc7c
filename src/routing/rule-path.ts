// Validation of the paths an Ingress writes (spec.rules[].http.paths[].path). Build-time only.

import { clip } from './kube-read.ts';
import type { ProblemCode } from './problems.ts';

export const MAX_PATH = 2048;

export type PathCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: ProblemCode; readonly message: string };

const OK: PathCheck = Object.freeze({ ok: true });

// Characters that mean something in a regular expression but nothing (or trouble) in a literal path.
const REGEX_LIKE = '^$*+?()[]{}|\\';
const IS_REGEX_LIKE: readonly boolean[] = Array.from({ length: 128 }, (_, code) =>
  REGEX_LIKE.includes(String.fromCharCode(code)),
);

/** The path as problem messages quote it (made only when there is a problem). */
function shownPath(path: string): string {
  return JSON.stringify(clip(path, 64));
}

function fail(code: ProblemCode, message: string): PathCheck {
  return { ok: false, code, message };
}

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

export function checkRulePath(path: string): PathCheck {
  if (path.length > MAX_PATH)
    return fail('PathTooLong', `path ${shownPath(path)} is longer than ${MAX_PATH} characters`);
  if (path.charCodeAt(0) !== 47) return fail('PathInvalid', `path ${shownPath(path)} must start with "/"`);
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code < 128 && IS_REGEX_LIKE[code]) {
      return fail(
        'PathRegexLike',
        `path ${shownPath(path)} contains ${JSON.stringify(path[i])}; paths are literal, never regular expressions`,
      );
    }
    if (code <= 32 || code === 127 || code >= 128) {
      return fail(
        'PathInvalid',
        `path ${shownPath(path)} contains a space, control or non-ASCII character; percent-encode it`,
      );
    }
    if (code === 35) return fail('PathInvalid', `path ${shownPath(path)} contains "#"`);
    if (code === 37) {
      if (!(isHex(path.charCodeAt(i + 1)) && isHex(path.charCodeAt(i + 2)))) {
        return fail('PathInvalid', `path ${shownPath(path)} has a "%" that is not followed by two hex digits`);
      }
      if (path.charCodeAt(i + 1) === 50 && (path.charCodeAt(i + 2) | 32) === 102) {
        return fail('PathInvalid', `path ${shownPath(path)} contains an encoded slash "%2F"`);
      }
    }
    if (code === 46 && path.charCodeAt(i - 1) === 47) {
      const next = i + 1 < path.length ? path.charCodeAt(i + 1) : 47;
      const after = i + 2 < path.length ? path.charCodeAt(i + 2) : 47;
      if (next === 47 || (next === 46 && after === 47)) {
        return fail('PathInvalid', `path ${shownPath(path)} contains a "." or ".." segment`);
      }
    }
  }
  return OK;
}

/** Segments of a rule path for Prefix ordering: "/" → 0, "/a/b/" → 2. */
export function segmentCount(path: string): number {
  let count = 0;
  let inSegment = false;
  for (let i = 0; i < path.length; i++) {
    if (path.charCodeAt(i) === 47) inSegment = false;
    else if (!inSegment) {
      inSegment = true;
      count++;
    }
  }
  return count;
}

/** The path as Prefix matching sees it: trailing slashes do not matter ("/a/" ≡ "/a"; "/" stays). */
export function prefixKey(path: string): string {
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === 47) end--;
  return path.slice(0, end);
}
