import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubeconfigOptions {
  /** Context namespace (default 'default'). */
  namespace?: string;
  /** A bearer token to send; the emulator ignores it. */
  token?: string;
}

/**
 * Writes a kubeconfig for `serverUrl` (e.g. an emulator's `url`) into a new temporary folder and returns its path.
 * `insecure-skip-tls-verify: true` is required by client-node for a plain http:// server.
 */
export function writeKubeconfig(serverUrl: string, options: KubeconfigOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-kubeconfig-'));
  const path = join(dir, 'kubeconfig.yaml');
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: emulator',
    '    cluster:',
    `      server: ${JSON.stringify(serverUrl)}`,
    '      insecure-skip-tls-verify: true',
    'users:',
    '  - name: tester',
    '    user:',
    `      token: ${JSON.stringify(options.token ?? 'emulator-token')}`,
    'contexts:',
    '  - name: emulator',
    '    context:',
    '      cluster: emulator',
    '      user: tester',
    `      namespace: ${JSON.stringify(options.namespace ?? 'default')}`,
    'current-context: emulator',
    '',
  ].join('\n');
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}
