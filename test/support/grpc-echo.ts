// A real gRPC server and client (@grpc/grpc-js) for the backend-protocol tests: service test.Echo with a
// unary `Say` and a bidi-streaming `Chat`, messages as raw bytes (no protobuf needed). The server records
// what each call saw (metadata, cancellation) so tests can assert at the pod.
import * as grpc from '@grpc/grpc-js';

const bytes = (value: Buffer) => value;

/** A gRPC method whose messages are raw bytes (no protobuf). */
export function rawMethod(
  path: string,
  requestStream: boolean,
  responseStream: boolean,
): grpc.MethodDefinition<Buffer, Buffer> {
  return {
    path,
    requestStream,
    responseStream,
    requestSerialize: bytes,
    requestDeserialize: bytes,
    responseSerialize: bytes,
    responseDeserialize: bytes,
  };
}

export const echoService: grpc.ServiceDefinition = {
  say: rawMethod('/test.Echo/Say', false, false),
  chat: rawMethod('/test.Echo/Chat', true, true),
};

export interface SeenCall {
  readonly method: string;
  readonly metadata: Record<string, unknown>;
  /** The call was cancelled (client reset) before the server answered it. */
  cancelled: boolean;
  /** The client half-closed its side (sent all its messages). */
  ended: boolean;
}

export interface GrpcEchoServer {
  readonly port: number;
  readonly name: string;
  readonly calls: SeenCall[];
  close(): Promise<void>;
}

/**
 * Starts the echo server on 127.0.0.1, plaintext (h2c) or with `tls` (key and cert PEM). `Say` answers
 * "<name>:<request>" with trailer `x-served-by: <name>`; a request "fail" answers NOT_FOUND with a message.
 * `Chat` echoes every message as "<name>:<message>" and ends when the client ends (unless the last message
 * was "hold": then only a client reset closes it, recorded as `cancelled`).
 */
export async function startGrpcEcho(name: string, tls?: { keyPem: string; certPem: string }): Promise<GrpcEchoServer> {
  const server = new grpc.Server();
  const calls: SeenCall[] = [];
  server.addService(echoService, {
    say(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
      const seen: SeenCall = { method: 'Say', metadata: call.metadata.getMap(), cancelled: false, ended: true };
      calls.push(seen);
      const text = call.request.toString();
      if (text === 'fail') {
        callback({ code: grpc.status.NOT_FOUND, details: 'no such thing' });
        return;
      }
      const trailer = new grpc.Metadata();
      trailer.set('x-served-by', name);
      callback(null, Buffer.from(name + ':' + text), trailer);
    },
    chat(call: grpc.ServerDuplexStream<Buffer, Buffer>) {
      const seen: SeenCall = { method: 'Chat', metadata: call.metadata.getMap(), cancelled: false, ended: false };
      calls.push(seen);
      // grpc-js also emits 'cancelled' when a call that ended normally closes: count it only before the end.
      let answered = false;
      call.on('cancelled', () => {
        if (!answered) seen.cancelled = true;
      });
      // After a message "hold" the server keeps its side open when the client half-closes.
      let hold = false;
      call.on('data', (message: Buffer) => {
        hold = message.toString() === 'hold';
        call.write(Buffer.from(name + ':' + message.toString()));
      });
      call.on('end', () => {
        seen.ended = true;
        if (hold) return;
        answered = true;
        call.end();
      });
      call.on('error', () => {});
    },
  });
  const credentials =
    tls === undefined
      ? grpc.ServerCredentials.createInsecure()
      : grpc.ServerCredentials.createSsl(null, [
          { private_key: Buffer.from(tls.keyPem), cert_chain: Buffer.from(tls.certPem) },
        ]);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  return {
    port,
    name,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
}

const EchoClient = grpc.makeGenericClientConstructor(echoService, 'Echo');

export type EchoClient = InstanceType<typeof EchoClient>;

/** A client to `target` ("127.0.0.1:port") for `authority`: TLS trusting `caPem`, or h2c prior knowledge. */
export function echoClient(target: string, authority: string, caPem?: string): EchoClient {
  const credentials =
    caPem === undefined ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(Buffer.from(caPem));
  return new EchoClient(target, credentials, {
    'grpc.default_authority': authority,
    'grpc.ssl_target_name_override': authority,
  });
}

export interface UnaryAnswer {
  readonly error: grpc.ServiceError | null;
  readonly reply: string | null;
  readonly trailers: Record<string, unknown>;
}

/** One unary `Say` call, with its trailers (status metadata). */
export function say(client: EchoClient, text: string, deadlineMs = 5000): Promise<UnaryAnswer> {
  return new Promise((resolve) => {
    let trailers: Record<string, unknown> = {};
    const call = client.makeUnaryRequest(
      '/test.Echo/Say',
      bytes,
      bytes,
      Buffer.from(text),
      new grpc.Metadata(),
      { deadline: Date.now() + deadlineMs },
      (error: grpc.ServiceError | null, reply?: Buffer) => {
        setImmediate(() => resolve({ error, reply: reply === undefined ? null : reply.toString(), trailers }));
      },
    );
    call.on('status', (status: grpc.StatusObject) => {
      trailers = status.metadata.getMap();
    });
  });
}

/** Opens a bidi `Chat` stream. */
export function chat(client: EchoClient): grpc.ClientDuplexStream<Buffer, Buffer> {
  return client.makeBidiStreamRequest('/test.Echo/Chat', bytes, bytes, new grpc.Metadata());
}

export { grpc };
