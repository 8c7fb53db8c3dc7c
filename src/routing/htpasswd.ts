// htpasswd entries as basic auth reads them (pure: classification only, the edge does the hashing).
// Formats after Apache's htpasswd and nginx's ngx_crypt: bcrypt ($2a$/$2b$/$2y$), apr1 ($apr1$), {SHA}
// (base64 SHA-1), and glibc crypt SHA-256 ($5$) / SHA-512 ($6$). Plaintext, DES crypt and MD5-crypt ($1$)
// are refused: an entry sluice cannot check safely is a problem, never a password accepted as is.

export type HashFormat = 'bcrypt' | 'apr1' | 'sha1' | 'sha256-crypt' | 'sha512-crypt';

export interface HtpasswdEntry {
  readonly format: HashFormat;
  readonly hash: string;
}

export interface Htpasswd {
  readonly users: ReadonlyMap<string, HtpasswdEntry>;
  /** One line per refused entry ("line 3 (user bob): plaintext or unknown hash format"). */
  readonly refused: readonly string[];
}

/** The format of a stored hash, or null when sluice does not check it. */
export function hashFormat(hash: string): HashFormat | null {
  if (/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash)) return 'bcrypt';
  if (/^\$apr1\$[^$]{1,8}\$[./A-Za-z0-9]{22}$/.test(hash)) return 'apr1';
  if (/^\{SHA\}[A-Za-z0-9+/]{27}=$/.test(hash)) return 'sha1';
  if (/^\$5\$(rounds=\d+\$)?[^$]{0,16}\$[./A-Za-z0-9]{43}$/.test(hash)) return 'sha256-crypt';
  if (/^\$6\$(rounds=\d+\$)?[^$]{0,16}\$[./A-Za-z0-9]{86}$/.test(hash)) return 'sha512-crypt';
  return null;
}

const MAX_USERS = 10_000;

function addEntry(
  users: Map<string, HtpasswdEntry>,
  refused: string[],
  where: string,
  user: string,
  hash: string,
): void {
  const format = hashFormat(hash);
  if (user === '' || user.includes(':')) refused.push(`${where}: no user name`);
  else if (format === null)
    refused.push(`${where} (user ${user.slice(0, 64)}): plaintext or an unsupported hash format; use bcrypt`);
  else if (!users.has(user) && users.size < MAX_USERS) users.set(user, Object.freeze({ format, hash }));
}

/** An htpasswd file ("user:hash" per line; blank lines and # comments skipped). First entry of a user wins. */
export function parseHtpasswd(text: string): Htpasswd {
  const users = new Map<string, HtpasswdEntry>();
  const refused: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const where = `line ${i + 1}`;
    if (colon <= 0) {
      refused.push(`${where}: not "user:hash"`);
      continue;
    }
    addEntry(users, refused, where, line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return { users, refused };
}

/** auth-map: each Secret key a user, its value the hash. */
export function parseAuthMap(data: Readonly<Record<string, string>>): Htpasswd {
  const users = new Map<string, HtpasswdEntry>();
  const refused: string[] = [];
  for (const user of Object.keys(data).sort())
    addEntry(users, refused, `key ${user.slice(0, 64)}`, user, data[user].trim());
  return { users, refused };
}

/** The users of a basic auth Secret as the policy reads it. */
export function readBasicAuthSecret(
  data: Readonly<Record<string, string>>,
  secretType: 'auth-file' | 'auth-map',
): Htpasswd {
  if (secretType === 'auth-map') return parseAuthMap(data);
  const file = data.auth;
  if (file === undefined) return { users: new Map(), refused: ['the Secret has no "auth" key (an htpasswd file)'] };
  return parseHtpasswd(file);
}
