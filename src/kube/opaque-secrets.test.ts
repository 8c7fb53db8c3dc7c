import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiEmulator, type ApiEmulator } from '../../e2e/support/api-emulator.ts';
import { writeKubeconfig } from '../../e2e/support/kubeconfig.ts';
import type { KubeObject } from '../routing/types.ts';
import { silentLogger } from '../util/logger.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import { loadKubeConfig } from './kube-config.ts';
import { OpaqueSecrets } from './opaque-secrets.ts';

const opaque = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'Opaque',
  metadata: { namespace: 'default', name },
  data: { auth: 'c2VjcmV0' },
});
const naming = (name: string, secret: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { namespace: 'default', name, annotations: { 'nginx.ingress.kubernetes.io/auth-secret': secret } },
});
const nameOf = (object: KubeObject) => (object.metadata as { name: string }).name;

describe('OpaqueSecrets: the data of unnamed Opaque Secrets never stays in memory', () => {
  let api: ApiEmulator;
  let secrets: OpaqueSecrets;
  const kept: [string, boolean][] = [];

  beforeEach(async () => {
    api = await startApiEmulator();
    kept.length = 0;
    secrets = new OpaqueSecrets({
      kubeConfig: loadKubeConfig(writeKubeconfig(api.url))!,
      namespaces: [null],
      log: silentLogger,
      backoff: { initialMs: 20, maxMs: 100, factor: 2, jitter: 0 },
      onChange: () => {},
      onKept: (key, secret) => kept.push([key, secret !== null]),
    });
  });

  afterEach(async () => {
    await secrets.stop();
    await api.close();
  });

  const start = async () => {
    for (const informer of secrets.informers) informer.start();
    await waitFor(() => secrets.informers.every((informer) => informer.synced()), { what: 'sync' });
  };
  const stored = () => secrets.informers.flatMap((informer) => informer.objects());

  it('stores every Opaque Secret without its data, and keeps the data of the named ones only', async () => {
    api.apply(opaque('named'));
    api.apply(opaque('unnamed'));
    secrets.ingressChanged(naming('web', 'named'), false);
    await start();
    expect(stored().map(nameOf).sort()).toEqual(['named', 'unnamed']);
    expect(stored().every((secret) => secret.data === undefined)).toBe(true);
    expect(secrets.objects().map(nameOf)).toEqual(['named']);
    expect(secrets.objects()[0].data).toEqual({ auth: 'c2VjcmV0' });
    // Watched later, an unnamed one is stripped too.
    api.apply(opaque('later'));
    await waitFor(() => stored().some((secret) => nameOf(secret) === 'later'), { what: 'the later Secret' });
    expect(stored().every((secret) => secret.data === undefined)).toBe(true);
    expect(secrets.objects().map(nameOf)).toEqual(['named']);
  });

  it('re-reads a newly named Secret, retrying a failed read, and forgets it when no Ingress names it', async () => {
    api.apply(opaque('one'));
    await start();
    expect(secrets.objects()).toEqual([]);
    api.failNext(1, 500, { verb: 'list', resource: 'secrets' });
    secrets.ingressChanged(naming('a', 'one'), false);
    secrets.ingressChanged(naming('b', 'one'), false);
    await waitFor(() => secrets.objects().length === 1, { what: 'the re-read after a failure' });
    expect(api.callsOf('list', 'secrets').length).toBe(3); // the informer's list, the failed read, the retry
    secrets.ingressChanged(naming('a', 'one'), true);
    expect(secrets.objects().map(nameOf)).toEqual(['one']); // b still names it
    secrets.ingressChanged(naming('b', 'other'), false);
    expect(secrets.objects()).toEqual([]);
    expect(kept).toEqual([
      ['default/one', true],
      ['default/one', false],
    ]);
  });
});
