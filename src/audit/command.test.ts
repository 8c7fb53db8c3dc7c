// `sluice audit` on a manifest directory of ingress-nginx Ingresses, with every status.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from './command.ts';

const DIR = join(import.meta.dirname, '../../test/fixtures/audit-every-status');
const NGINX_CLASS = ['--controller-class', 'k8s.io/ingress-nginx', '--ingress-class', 'nginx'];

async function audit(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runAudit(
    ['--manifests', DIR, ...NGINX_CLASS, ...args],
    {},
    {
      out: (text) => (out += text),
      err: (text) => (err += text),
    },
  );
  return { code, out, err };
}

describe('sluice audit', () => {
  it('prints per Ingress each annotation with supported, partial, unsupported or invalid (JSON)', async () => {
    const { code, out } = await audit(['--output', 'json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    // Only the Ingresses of the claimed class (ingressClassName nginx, or the legacy annotation).
    expect(report.ingresses.map((each: { name: string }) => each.name)).toEqual(['legacy', 'shop']);
    const shop = report.ingresses[1];
    expect(shop.namespace).toBe('default');
    const status = Object.fromEntries(
      shop.annotations.map((each: { name: string; status: string }) => [each.name.split('/')[1], each.status]),
    );
    expect(status).toEqual({
      'auth-tls-verify-client': 'unsupported',
      'service-upstream': 'partial',
      'proxy-body-size': 'supported',
      'proxy-buffer-size': 'supported',
      'use-regex': 'supported',
      'whitelist-source-range': 'invalid',
    });
    for (const each of shop.annotations) expect(each.message).toMatch(/\S/);
    // The regex host changes the other Ingress's path: said on that Ingress.
    expect(report.ingresses[0].notes.map((note: { code: string }) => note.code)).toEqual(['HostMatchedAsRegex']);
    expect(report.summary).toEqual({ ingresses: 2, supported: 3, partial: 1, unsupported: 1, invalid: 1 });
  });

  it('prints a text report with a summary, and exits 1 with --fail-on', async () => {
    const text = await audit([]);
    expect(text.code).toBe(0);
    expect(text.out).toContain('default/shop\n');
    expect(text.out).toMatch(/nginx\.ingress\.kubernetes\.io\/auth-tls-verify-client\s+unsupported\s+/);
    expect(text.out).toContain('summary: 2 Ingress(es); annotations: 3 supported, 1 partial, 1 unsupported, 1 invalid');
    expect((await audit(['--fail-on', 'invalid'])).code).toBe(1);
    expect((await audit(['--fail-on=unsupported'])).code).toBe(1);
  });

  it('reads the header ConfigMaps of the directory: present is supported, missing is invalid', async () => {
    let out = '';
    const dir = join(import.meta.dirname, '../../test/fixtures/audit-configmaps');
    const code = await runAudit(
      ['--manifests', dir, ...NGINX_CLASS, '--output', 'json'],
      {},
      {
        out: (text) => (out += text),
        err: () => {},
      },
    );
    expect(code).toBe(0);
    const [shop] = JSON.parse(out).ingresses;
    const status = Object.fromEntries(
      shop.annotations.map((each: { name: string; status: string }) => [each.name.split('/')[1], each.status]),
    );
    expect(status).toEqual({
      'auth-proxy-set-headers': 'invalid',
      'auth-url': 'supported',
      'custom-headers': 'supported',
    });
    const missing = shop.annotations.find((each: { name: string }) => each.name.endsWith('auth-proxy-set-headers'));
    expect(missing.message).toBe('ConfigMap default/missing-headers not found; no header is set');
  });

  it('refuses bad flags and a missing directory with exit 2', async () => {
    expect((await audit(['--output', 'yaml'])).code).toBe(2);
    expect((await audit(['--fail-on', 'partial'])).code).toBe(2);
    let err = '';
    const code = await runAudit(['--manifests', join(DIR, 'nope')], {}, { out: () => {}, err: (t) => (err += t) });
    expect(code).toBe(2);
    expect(err).toContain('not a readable directory');
  });
});
