import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeKubeconfig } from '../../e2e/support/kubeconfig.ts';
import { loadKubeConfig } from './kube-config.ts';
import { controllerIdentity, controllerNamespace } from './pod-identity.ts';

const server = (kc: ReturnType<typeof loadKubeConfig>) => kc?.getCurrentCluster()?.server;
const emptyHome = () => mkdtempSync(join(tmpdir(), 'sluice-home-'));

describe('loadKubeConfig', () => {
  const flagFile = writeKubeconfig('http://127.0.0.1:1001');
  const envFile = writeKubeconfig('http://127.0.0.1:1002');

  it('prefers the flag, then $KUBECONFIG, then ~/.kube/config', () => {
    const home = emptyHome();
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), writeKubeconfigText('http://127.0.0.1:1003'));
    expect(server(loadKubeConfig(flagFile, { KUBECONFIG: envFile, HOME: home }))).toBe('http://127.0.0.1:1001');
    expect(server(loadKubeConfig(null, { KUBECONFIG: envFile, HOME: home }))).toBe('http://127.0.0.1:1002');
    expect(server(loadKubeConfig(null, { HOME: home }))).toBe('http://127.0.0.1:1003');
  });

  it('returns null when nothing is configured, never a localhost:8080 fallback', () => {
    expect(loadKubeConfig(null, { HOME: emptyHome() })).toBeNull();
    expect(loadKubeConfig(null, { HOME: emptyHome(), KUBECONFIG: '' })).toBeNull();
  });

  it('throws on a kubeconfig that was asked for but is missing', () => {
    expect(() => loadKubeConfig('/nonexistent/kubeconfig', {})).toThrow();
  });
});

describe('controller namespace and identity', () => {
  it('reads POD_NAMESPACE, else the service account file, else "default"', () => {
    const dir = emptyHome();
    const file = join(dir, 'namespace');
    writeFileSync(file, 'ingress-system\n');
    expect(controllerNamespace({ POD_NAMESPACE: 'from-env' }, file)).toBe('from-env');
    expect(controllerNamespace({}, file)).toBe('ingress-system');
    expect(controllerNamespace({}, join(dir, 'absent'))).toBe('default');
  });

  it('uses POD_NAME, else hostname_pid', () => {
    expect(controllerIdentity({ POD_NAME: 'sluice-7d9f' })).toBe('sluice-7d9f');
    expect(controllerIdentity({})).toMatch(new RegExp(`_${process.pid}$`));
  });
});

function writeKubeconfigText(url: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{ name: c, cluster: { server: "' + url + '", insecure-skip-tls-verify: true } }]',
    'users: [{ name: u, user: { token: t } }]',
    'contexts: [{ name: x, context: { cluster: c, user: u } }]',
    'current-context: x',
    '',
  ].join('\n');
}
