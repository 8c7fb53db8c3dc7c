import { createHash, timingSafeEqual } from 'node:crypto';
import apacheMd5 from 'apache-md5';
import { hash as bcryptHash } from 'bcryptjs';
import type { HtpasswdEntry } from '../../routing/htpasswd.ts';
import { shaCrypt } from './sha-crypt.ts';

// Checks a password against an htpasswd entry: the stored hash is recomputed from the password and both
// are compared in constant time (timingSafeEqual). bcrypt runs asynchronously (bcryptjs yields to the
// event loop between rounds), and every verdict is cached by (hash, SHA-256 of the password), so a
// repeated guess — right or wrong — costs the edge one hash lookup, not the hash work again.

/** Verdicts kept; the cache is emptied when full (a flood of guesses costs hash work, never memory). */
export const PASSWORD_CACHE_SIZE = 4096;
const verdicts = new Map<string, boolean>();

/**
 * apache-md5: apr1 of a password with the salt of a stored hash. Its module.exports is the function (what
 * node's default import gives); its types describe an ES default export, hence the cast.
 */
const apr1 = apacheMd5 as unknown as (password: string, salt: string) => string;

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'latin1');
  const right = Buffer.from(b, 'latin1');
  return left.length === right.length && timingSafeEqual(left, right);
}

function computeSync(entry: HtpasswdEntry, password: string): string | null {
  switch (entry.format) {
    case 'apr1':
      return apr1(password, entry.hash);
    case 'sha1':
      return '{SHA}' + createHash('sha1').update(password, 'utf8').digest('base64');
    case 'sha256-crypt':
    case 'sha512-crypt':
      return shaCrypt(password, entry.hash);
    case 'bcrypt':
      return null;
  }
}

async function compute(entry: HtpasswdEntry, password: string): Promise<string | null> {
  if (entry.format !== 'bcrypt') return computeSync(entry, password);
  // bcryptjs writes $2b$; the stored prefix ($2a$/$2y$, same algorithm) is kept for the comparison.
  const computed = await bcryptHash(password, '$2b$' + entry.hash.slice(4, 29));
  return entry.hash.slice(0, 4) + computed.slice(4);
}

function cacheKey(entry: HtpasswdEntry, password: string): string {
  return entry.hash + '\u0000' + createHash('sha256').update(password, 'utf8').digest('base64');
}

function remember(key: string, verdict: boolean): boolean {
  if (verdicts.size >= PASSWORD_CACHE_SIZE) verdicts.clear();
  verdicts.set(key, verdict);
  return verdict;
}

/** Whether `password` matches `entry`; cached. Never throws (a hashing failure is a mismatch). */
export async function checkPassword(entry: HtpasswdEntry, password: string): Promise<boolean> {
  const key = cacheKey(entry, password);
  const cached = verdicts.get(key);
  if (cached !== undefined) return cached;
  let verdict = false;
  try {
    const computed = await compute(entry, password);
    verdict = computed !== null && sameText(computed, entry.hash);
  } catch {
    verdict = false;
  }
  return remember(key, verdict);
}
