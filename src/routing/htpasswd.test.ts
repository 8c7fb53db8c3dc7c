import { describe, expect, it } from 'vitest';
import { hashFormat, parseAuthMap, parseHtpasswd, readBasicAuthSecret } from './htpasswd.ts';

describe('htpasswd', () => {
  it('classifies the formats sluice checks and refuses the others', () => {
    expect(hashFormat('$2y$05$' + 'a'.repeat(53))).toBe('bcrypt');
    expect(hashFormat('$apr1$abcdefgh$T64oOxnD8c28.dQa.2Lty1')).toBe('apr1');
    expect(hashFormat('{SHA}W8r/fyL/UzygmbNAjq2HbA67qac=')).toBe('sha1');
    expect(hashFormat('$5$abcdefgh$FWXdh6oXOJQkX7oAcP02d0Gnxjct6ra8Fwv29U9RIN2')).toBe('sha256-crypt');
    expect(hashFormat('$6$rounds=5000$s$' + 'b'.repeat(86))).toBe('sha512-crypt');
    for (const refused of ['open sesame', '$1$abc$0123456789012345678901', 'abJnggxhB/yWI', '{SSHA}x', ''])
      expect(hashFormat(refused), refused).toBeNull();
  });

  it('reads a file: comments and blank lines skipped, first entry of a user wins, refusals listed by line', () => {
    const file = [
      '# team',
      '',
      'ann:{SHA}W8r/fyL/UzygmbNAjq2HbA67qac=',
      'ann:$apr1$abcdefgh$T64oOxnD8c28.dQa.2Lty1',
      'bob:secret',
      'no-colon',
    ].join('\n');
    const { users, refused } = parseHtpasswd(file);
    expect([...users.keys()]).toEqual(['ann']);
    expect(users.get('ann')?.format).toBe('sha1');
    expect(refused).toEqual([
      'line 5 (user bob): plaintext or an unsupported hash format; use bcrypt',
      'line 6: not "user:hash"',
    ]);
  });

  it('reads an auth-map (each key a user) and the "auth" key of an auth-file Secret', () => {
    expect([...parseAuthMap({ ann: '{SHA}W8r/fyL/UzygmbNAjq2HbA67qac=' }).users.keys()]).toEqual(['ann']);
    expect(readBasicAuthSecret({}, 'auth-file').refused).toEqual(['the Secret has no "auth" key (an htpasswd file)']);
    expect(readBasicAuthSecret({ auth: 'ann:{SHA}W8r/fyL/UzygmbNAjq2HbA67qac=' }, 'auth-file').users.size).toBe(1);
  });
});
