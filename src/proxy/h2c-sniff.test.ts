import http2 from 'node:http2';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFakeHandler,
  type FakeHandler,
  makeCertificate,
  makeState,
  startTestEdge,
} from '../../test/support/proxy-listeners.ts';
import type { Edge } from './edge.ts';

describe('the plain port: HTTP/1.1 and h2c prior knowledge side by side', () => {
  let edge: Edge;
  let port = 0;
  let fake: FakeHandler;

  beforeAll(async () => {
    fake = createFakeHandler();
    const state = makeState(1, []);
    const started = await startTestEdge({
      handler: fake,
      getState: () => state,
      selfSigned: await makeCertificate('edge', ['edge']),
      headerTimeoutMs: 300,
    });
    edge = started.edge;
    port = started.ports.httpPort;
  });

  afterAll(() => edge.close(1000));

  it('serves an HTTP/2 prior-knowledge client (connection preface sniffed)', async () => {
    const client = http2.connect(`http://127.0.0.1:${port}`);
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const stream = client.request({ ':path': '/h2c', ':authority': 'app.test' });
        let text = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (text += chunk));
        stream.on('end', () => resolve(text));
        stream.on('error', reject);
      });
      expect(JSON.parse(body)).toMatchObject({ url: '/h2c', httpVersion: '2.0', tls: false, host: 'app.test' });
    } finally {
      client.close();
    }
  });

  it('still serves HTTP/1.1 on the same port, with keep-alive', async () => {
    const first = await fetch(`http://127.0.0.1:${port}/one`, { headers: { host: 'app.test' } });
    expect(await first.json()).toMatchObject({ url: '/one', httpVersion: '1.1', tls: false });
    const second = await fetch(`http://127.0.0.1:${port}/two`);
    expect(await second.json()).toMatchObject({ url: '/two', httpVersion: '1.1' });
  });

  it('closes a connection that sends nothing within the header timeout', async () => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3000);
  });
});
