import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Who may read the admin port's protected routes. */
export interface AdminAccess {
  /** True when the Authorization header carries the token (or no token is configured). */
  allows(authorization: string | undefined): boolean;
  readonly tokenRequired: boolean;
}

export const OPEN_ACCESS: AdminAccess = { allows: () => true, tokenRequired: false };

/** The challenges of a 401: Bearer for tools, Basic so a browser asks for it (any user name, the token as password). */
export const CHALLENGES = ['Bearer realm="sluice admin"', 'Basic realm="sluice admin", charset="UTF-8"'];

const MIN_TOKEN_LENGTH = 16;

/** Reads the token file (a mounted Secret) once; a missing, empty or short token is an error at start. */
export function tokenFromFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`--admin-token-file ${path}: cannot read it (${(error as Error).message})`, { cause: error });
  }
  const token = text.trim();
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new Error(`--admin-token-file ${path}: the token must have at least ${MIN_TOKEN_LENGTH} characters`);
  }
  return token;
}

/**
 * Accepts `Authorization: Bearer <token>` or `Basic base64(<any user>:<token>)`. Both sides are
 * hashed first, so the comparison is constant-time and does not leak the token's length.
 */
export function tokenAccess(token: string): AdminAccess {
  const expected = digest(token);
  return {
    tokenRequired: true,
    allows(authorization) {
      const presented = presentedToken(authorization);
      return presented !== null && timingSafeEqual(digest(presented), expected);
    },
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function presentedToken(authorization: string | undefined): string | null {
  if (authorization === undefined) return null;
  const space = authorization.indexOf(' ');
  if (space < 0) return null;
  const scheme = authorization.slice(0, space).toLowerCase();
  const value = authorization.slice(space + 1).trim();
  if (scheme === 'bearer') return value;
  if (scheme !== 'basic') return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}

/** The admin server's access options from the flags (--admin-token-file, --admin-metrics-open). */
export function adminAccessOptions(config: {
  readonly adminTokenFile: string | null;
  readonly adminMetricsOpen: boolean;
}): { access: AdminAccess; metricsOpen: boolean } {
  const access = config.adminTokenFile === null ? OPEN_ACCESS : tokenAccess(tokenFromFile(config.adminTokenFile));
  return { access, metricsOpen: config.adminMetricsOpen };
}
