// The manifest-directory mode end to end (issue 3): `npm start -- --manifests DIR` on a temporary directory.
// It serves what the files say; an edited file brings a new route; a broken file keeps its last good objects in
// service and shows the error (file and line) in /api/v1/status; fixing it recovers.
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startController, type ControllerStatus, type RunningController } from './support/controller.ts';
import { edgeRequest, type EdgeResponse } from './support/http-client.ts';
import { startPods, type Pod } from './support/pods.ts';

let dir: string;
let pods: Pod[];
let controller: RunningController;

const CLASS = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: sluice
spec:
  controller: sluice.dev/ingress-controller
`;

function backend(name: string, pod: Pod): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: files
spec:
  ports:
    - name: http
      port: 80
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${name}-abcde
  namespace: files
  labels:
    kubernetes.io/service-name: ${name}
addressType: IPv4
ports:
  - name: http
    port: ${pod.port}
    protocol: TCP
endpoints:
  - addresses: ["${pod.ip}"]
    conditions: { ready: true }
`;
}

function ingressYaml(name: string, hosts: string[], service = 'web'): string {
  const rules = hosts
    .map(
      (host) => `    - host: ${host}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ${service}
                port:
                  name: http`,
    )
    .join('\n');
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: files
spec:
  ingressClassName: sluice
  rules:
${rules}
`;
}

const write = (file: string, text: string) => writeFileSync(join(dir, file), text);
const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

async function get(host: string): Promise<EdgeResponse | null> {
  try {
    return await edgeRequest(controller.httpUrl, { host, timeoutMs: 2000 });
  } catch {
    return null;
  }
}

/** Polls the edge until host answers `status` (and from `pod` when given); returns how long it took. */
async function waitAnswer(host: string, status: number, pod?: string, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const reply = await get(host);
    if (reply !== null && reply.status === status && (pod === undefined || reply.json().pod === pod))
      return Date.now() - started;
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${host} → ${status}; last ${reply?.status}\n${controller.outputTail(20)}`,
      );
    }
    await delay(10);
  }
}

function source(s: ControllerStatus): { name: string; synced: boolean; detail: { errors: string[] } } {
  return (s.sources as { name: string; synced: boolean; detail: { errors: string[] } }[])[0];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-manifests-'));
  pods = await startPods(1, { namePrefix: 'web', namespace: 'files', service: 'web' });
  pods.push(...(await startPods(1, { namePrefix: 'api', namespace: 'files', service: 'api' })));
  write('00-class.yaml', CLASS);
  write('web.yaml', `${backend('web', pods[0])}---\n${ingressYaml('web', ['app.example'])}`);
  write('api.yaml', backend('api', pods[1]));
  controller = await startController(['--manifests', dir, '--access-log', 'off']);
  await controller.waitReady(30_000);
}, 60_000);

afterAll(async () => {
  await controller?.stop();
  await Promise.all((pods ?? []).map((p) => p.kill()));
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('--manifests DIR', () => {
  test('serves the directory', async () => {
    const status = await controller.status();
    expect(status.synced).toBe(true);
    expect(status.problems).toEqual([]);
    expect((status.counts as { ingresses: number }).ingresses).toBe(1);
    expect(source(status).name).toContain(dir);
    expect(source(status).detail.errors).toEqual([]);
    const reply = await get('app.example');
    expect(reply?.status).toBe(200);
    expect(reply?.json().pod).toBe('web-0');
    expect((await get('api.example'))?.status).toBe(404);
  });

  test('an edited file brings a new route, an added file another', async () => {
    write('web.yaml', `${backend('web', pods[0])}---\n${ingressYaml('web', ['app.example', 'new.example'])}`);
    const editMs = await waitAnswer('new.example', 200, 'web-0');
    write('api-ingress.yaml', ingressYaml('api', ['api.example'], 'api'));
    const addMs = await waitAnswer('api.example', 200, 'api-0');
    console.log(`manifests: edited file routed after ${editMs} ms, added file after ${addMs} ms`);
    expect(editMs).toBeLessThan(10_000);
    expect(addMs).toBeLessThan(10_000);
    expect((await get('app.example'))?.status).toBe(200);
    const status = await controller.status();
    expect((status.counts as { ingresses: number }).ingresses).toBe(2);
  });

  test('a broken file keeps its last good objects in service and shows the error; fixing it recovers', async () => {
    const before = await controller.status();
    // Line 6 opens a flow sequence that never closes (the parser reports it where the file ends).
    write(
      'web.yaml',
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: files\nspec: [rules, {\n`,
    );
    const broken = await controller.waitFor((s) => source(s).detail.errors.length > 0, {
      what: 'the YAML error in the status',
      timeoutMs: 10_000,
    });
    const errors = source(broken).detail.errors;
    console.log(`manifests: broken file reported as ${JSON.stringify(errors)}`);
    expect(errors.some((e) => /web\.yaml:\d+/.test(e))).toBe(true);
    expect(errors.every((e) => e.includes('web.yaml'))).toBe(true);
    // Last good state: both hosts of the old web.yaml and its Service still serve, nothing else changed.
    for (const host of ['app.example', 'new.example']) {
      const reply = await get(host);
      expect(reply?.status, host).toBe(200);
      expect(reply?.json().pod).toBe('web-0');
    }
    expect((await get('api.example'))?.status).toBe(200);
    expect(broken.ready).toBe(true);
    expect((broken.counts as { ingresses: number }).ingresses).toBe((before.counts as { ingresses: number }).ingresses);

    // Other files still load while this one is broken.
    write('late.yaml', ingressYaml('late', ['late.example'], 'api'));
    await waitAnswer('late.example', 200, 'api-0');
    expect(source(await controller.status()).detail.errors.length).toBeGreaterThan(0);

    // Fixed (with a change, so the new content is provably in): errors clear, the fixed content serves.
    write('web.yaml', `${backend('web', pods[0])}---\n${ingressYaml('web', ['app.example', 'fixed.example'])}`);
    await waitAnswer('fixed.example', 200, 'web-0');
    await waitAnswer('new.example', 404);
    const fixed = await controller.waitFor((s) => source(s).detail.errors.length === 0, {
      what: 'errors cleared',
      timeoutMs: 5000,
    });
    expect(fixed.problems).toEqual([]);
    expect((await get('app.example'))?.status).toBe(200);
  });

  test('a removed file takes its routes away', async () => {
    unlinkSync(join(dir, 'late.yaml'));
    const removedMs = await waitAnswer('late.example', 404);
    expect(removedMs).toBeLessThan(10_000);
    expect((await get('api.example'))?.status).toBe(200);
  });
});
