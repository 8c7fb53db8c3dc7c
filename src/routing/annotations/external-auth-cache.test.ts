// auth-cache-key and auth-cache-duration as read from an Ingress (ingress-nginx authreq/main.go: the key is used
// only with auth-url, durations default to "200 202 401 5m").
import { describe, expect, it } from 'vitest';
import { readPolicyAnnotations } from '../annotations.ts';
import { nameObject } from '../object-index.ts';
import type { Problem } from '../types.ts';

const NGINX = 'nginx.ingress.kubernetes.io/';

function read(annotations: Record<string, string>) {
  const problems: Problem[] = [];
  const named = nameObject('Ingress', { metadata: { name: 'x', namespace: 'default', annotations } }, true, problems);
  if (named === null) throw new Error('fixture has no name');
  const policy = readPolicyAnnotations(named, problems);
  return { auth: policy.plain.traffic?.externalAuth, problems };
}

const URL = { [`${NGINX}auth-url`]: 'http://auth.example/check' };

describe('auth-cache-key / auth-cache-duration', () => {
  it('compiles the key into its variables, with the default durations', () => {
    const { auth, problems } = read({ ...URL, [`${NGINX}auth-cache-key`]: '$remote_user$http_authorization' });
    expect(problems).toEqual([]);
    expect(auth?.cache).toEqual({
      keyText: '$remote_user$http_authorization',
      key: [{ from: 'remote-user' }, { from: 'header', name: 'authorization' }],
      durations: [{ statuses: [200, 202, 401], ms: 300_000 }],
    });
  });

  it('reads the durations, and reports statuses that are never cached as partial', () => {
    const { auth, problems } = read({
      ...URL,
      [`${NGINX}auth-cache-key`]: '$cookie__oauth2_proxy',
      [`${NGINX}auth-cache-duration`]: '200 1m, 500 10s',
    });
    expect(auth?.cache?.durations).toEqual([
      { statuses: [200], ms: 60_000 },
      { statuses: [500], ms: 10_000 },
    ]);
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      ['AnnotationPartial', expect.stringContaining('500 are never cached')],
    ]);
  });

  it('refuses a key without variables (every user would share one answer) and an unknown variable', () => {
    for (const key of ['constant', '$no_such_variable', '$http_x'.repeat(100)]) {
      const { auth, problems } = read({ ...URL, [`${NGINX}auth-cache-key`]: key });
      expect(auth?.cache).toBeUndefined();
      expect(problems.map((p) => p.code)).toEqual(['AnnotationValueInvalid']);
    }
  });

  it('reports the cache annotations without effect when what they need is missing', () => {
    const withoutUrl = read({ [`${NGINX}auth-cache-key`]: '$http_authorization' });
    expect(withoutUrl.auth).toBeUndefined();
    expect(withoutUrl.problems.map((p) => p.code)).toEqual(['AnnotationWithoutEffect']);
    const withoutKey = read({ ...URL, [`${NGINX}auth-cache-duration`]: '200 1m' });
    expect(withoutKey.auth?.cache).toBeUndefined();
    expect(withoutKey.problems.map((p) => p.code)).toEqual(['AnnotationWithoutEffect']);
  });
});
