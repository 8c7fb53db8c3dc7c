import { hashSync } from 'bcryptjs';

/** The password every entry of HTPASSWD_VECTORS hashes. */
export const VECTOR_PASSWORD = 'open sesame';

/**
 * One user per htpasswd format sluice checks, each a hash of VECTOR_PASSWORD made by another tool
 * (openssl passwd -apr1 / -5 / -6 -salt abcdefgh, sha1 | base64, bcryptjs as htpasswd -B writes it), and
 * plain-user, whose plaintext entry must be refused.
 */
export const HTPASSWD_VECTORS: Readonly<Record<string, string>> = Object.freeze({
  'bcrypt-user': hashSync(VECTOR_PASSWORD, 4).replace('$2b$', '$2y$'),
  'apr1-user': '$apr1$abcdefgh$T64oOxnD8c28.dQa.2Lty1',
  'sha1-user': '{SHA}W8r/fyL/UzygmbNAjq2HbA67qac=',
  'sha256-user': '$5$abcdefgh$FWXdh6oXOJQkX7oAcP02d0Gnxjct6ra8Fwv29U9RIN2',
  'sha512-user': '$6$abcdefgh$CkjGkP7IIgZVUCNlt.Vi53LOYJLXZ5KzdpzEYCj01XGruA1hxZYJqccTU2zz68oJwAGsd1iPty5F7dHIatUTy/',
  'plain-user': VECTOR_PASSWORD,
});

/** The users whose entries sluice checks (all but plain-user). */
export const CHECKED_USERS: readonly string[] = Object.keys(HTPASSWD_VECTORS).filter((user) => user !== 'plain-user');

/** HTPASSWD_VECTORS as an htpasswd file (auth-secret-type auth-file), with a comment line. */
export const HTPASSWD_FILE = [
  '# users',
  ...Object.entries(HTPASSWD_VECTORS).map(([user, hash]) => `${user}:${hash}`),
].join('\n');

/** An Authorization header with these Basic credentials. */
export function basicCredentials(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}
