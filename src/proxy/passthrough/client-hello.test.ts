import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { connect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { MAX_CLIENT_HELLO_BYTES, readClientHello } from './client-hello.ts';

/** The first bytes a real TLS client (node) sends for `servername`. */
async function captureHello(servername: string | undefined): Promise<Buffer> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = connect({ host: '127.0.0.1', port, ...(servername === undefined ? {} : { servername }) });
  client.on('error', () => {});
  const [socket] = await accepted;
  const [data] = (await once(socket, 'data')) as [Buffer];
  client.destroy();
  socket.destroy();
  server.close();
  return data;
}

describe('readClientHello', () => {
  it('reads the SNI of a real ClientHello, lower-cased', async () => {
    const hello = await captureHello('Pod.Example.COM');
    expect(readClientHello(hello)).toEqual({ kind: 'hello', serverName: 'pod.example.com' });
  });

  it('says null when the client sends no SNI', async () => {
    expect(readClientHello(await captureHello(undefined))).toEqual({ kind: 'hello', serverName: null });
  });

  it('asks for more while the record is incomplete, and refuses what is not TLS', async () => {
    const hello = await captureHello('a.example');
    expect(readClientHello(hello.subarray(0, 3))).toEqual({ kind: 'more' });
    expect(readClientHello(hello.subarray(0, hello.length - 1))).toEqual({ kind: 'more' });
    expect(readClientHello(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toEqual({ kind: 'not-tls' });
    expect(readClientHello(Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff]))).toEqual({ kind: 'not-tls' });
  });

  it('never reads past one TLS record (the size limit)', () => {
    expect(MAX_CLIENT_HELLO_BYTES).toBe(16_389);
    const truncated = Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x00, 0x08, 0x01, 0, 0, 4]), Buffer.alloc(4)]);
    expect(readClientHello(truncated)).toEqual({ kind: 'hello', serverName: null });
  });
});
