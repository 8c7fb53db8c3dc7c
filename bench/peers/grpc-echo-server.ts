// The gRPC scenario's backend: a plain node:http2 h2c server speaking just enough gRPC for a unary call (the
// 5-byte-prefixed request message echoed back, then grpc-status 0 in trailers), lighter than @grpc/grpc-js so
// that the backend is less of a bottleneck. GET answers "hello from backend" for the readiness checks.
// Usage: node bench/peers/grpc-echo-server.ts HOST PORT
import { createServer, type ServerHttp2Stream, type IncomingHttpHeaders } from 'node:http2';

const [host, port] = process.argv.slice(2);
const server = createServer({ settings: { maxConcurrentStreams: 1000 } });

function onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
  if (headers[':method'] !== 'POST') {
    stream.respond({ ':status': 200, 'content-type': 'text/plain' });
    stream.end('hello from backend\n');
    return;
  }
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => {
    if (stream.destroyed) return;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': '' }));
    stream.end(Buffer.concat(chunks));
  });
  stream.on('error', () => {});
}

server.on('stream', onStream);
server.on('sessionError', () => {});
server.listen(Number(port), host);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
