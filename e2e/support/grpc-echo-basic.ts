/**
 * The upstream conformance gRPC echo server and client (kubernetes-sigs/gateway-api v1.6.1
 * conformance/echo-basic/grpc/grpc.go, grpcecho.proto; conformance/utils/grpc/grpc.go) on @grpc/grpc-js:
 * service gateway_api_conformance.echo_basic.grpcecho.GrpcEcho answers Echo and EchoTwo with an EchoResponse
 * whose assertions name the method, the :authority and the pod (name, namespace); EchoThree is left
 * unimplemented (grpc-status 12), as upstream. The messages are encoded by hand: only strings and nested
 * messages, proto3 wire format (tag, length, bytes).
 */
import * as grpc from '@grpc/grpc-js';
import { rawMethod } from '../../test/support/grpc-echo.ts';

export const GRPC_ECHO_SERVICE = 'gateway_api_conformance.echo_basic.grpcecho.GrpcEcho';
export type EchoMethod = 'Echo' | 'EchoTwo' | 'EchoThree';

/** The fields of EchoResponse.assertions the upstream checks read. */
export interface EchoAssertions {
  readonly fullyQualifiedMethod: string;
  readonly authority: string;
  readonly namespace: string;
  readonly pod: string;
}

// ---- proto3 wire format: length-delimited fields only ----

function field(number: number, payload: Buffer): Buffer {
  const tag = (number << 3) | 2;
  return Buffer.concat([varint(tag), varint(payload.length), payload]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** The length-delimited fields of a message by number (the last one wins, as proto3 scalars). */
function fields(message: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let at = 0;
  const read = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (at >= message.length) throw new Error('truncated varint');
      const byte = message[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (at < message.length) {
    const tag = read();
    if ((tag & 7) !== 2) throw new Error(`unexpected wire type ${tag & 7}`);
    const length = read();
    out.set(Math.floor(tag / 8), message.subarray(at, at + length));
    at += length;
  }
  return out;
}

/** EchoResponse{assertions: Assertions{fully_qualified_method=1, authority=3, context=4: Context{namespace=1, pod=4}}}. */
const text = (value: string) => Buffer.from(value, 'utf8');
const textOf = (value: Buffer | undefined) => value?.toString('utf8') ?? '';

export function encodeEchoResponse(assertions: EchoAssertions): Buffer {
  const context = Buffer.concat([field(1, text(assertions.namespace)), field(4, text(assertions.pod))]);
  const body = Buffer.concat([
    field(1, text(assertions.fullyQualifiedMethod)),
    field(3, text(assertions.authority)),
    field(4, context),
  ]);
  return field(1, body);
}

export function decodeEchoResponse(message: Buffer): EchoAssertions {
  const assertions = fields(fields(message).get(1) ?? Buffer.alloc(0));
  const context = fields(assertions.get(4) ?? Buffer.alloc(0));
  return {
    fullyQualifiedMethod: textOf(assertions.get(1)),
    authority: textOf(assertions.get(3)),
    namespace: textOf(context.get(1)),
    pod: textOf(context.get(4)),
  };
}

function method(name: EchoMethod): grpc.MethodDefinition<Buffer, Buffer> {
  return rawMethod(`/${GRPC_ECHO_SERVICE}/${name}`, false, false);
}

// ---- the server ----

export interface GrpcEchoPod {
  readonly name: string;
  readonly namespace: string;
  readonly ip: string;
  readonly port: number;
  close(): Promise<void>;
}

/** An echo-basic pod in gRPC mode (GRPC_ECHO_SERVER=1) on `ip` (a loopback address), plaintext HTTP/2. */
export async function startGrpcEchoPod(name: string, namespace: string, ip: string): Promise<GrpcEchoPod> {
  const server = new grpc.Server();
  const answer =
    (methodName: EchoMethod) => (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      callback(
        null,
        encodeEchoResponse({
          fullyQualifiedMethod: `/${GRPC_ECHO_SERVICE}/${methodName}`,
          authority: call.getHost(),
          namespace,
          pod: name,
        }),
      );
    };
  // EchoThree is not added: grpc-js answers UNIMPLEMENTED, as the Go server's UnimplementedGrpcEchoServer.
  server.addService(
    { Echo: method('Echo'), EchoTwo: method('EchoTwo') },
    { Echo: answer('Echo'), EchoTwo: answer('EchoTwo') },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${ip}:0`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error === null ? resolve(bound) : reject(error),
    ),
  );
  return {
    name,
    namespace,
    ip,
    port,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

// ---- the client ----

export interface EchoCall {
  readonly method: EchoMethod;
  /** The :authority to send (upstream RequestMetadata.Authority); default the address. */
  readonly authority?: string;
  /** Outgoing metadata (upstream RequestMetadata.Metadata). */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface EchoResult {
  readonly code: grpc.status;
  readonly assertions?: EchoAssertions;
}

/**
 * DefaultClient: one connection (h2c, prior knowledge) to `address`:`port` reused by every call, and dropped
 * after an Internal answer, as upstream. A gRPC error is a result (its code); grpc-js, like grpc-go, maps an
 * HTTP answer without grpc-status to a code (404 → Unimplemented).
 */
export class EchoClient {
  readonly #target: string;
  readonly #options: grpc.ChannelOptions;
  readonly #credentials: grpc.ChannelCredentials;
  #client: grpc.Client | null = null;

  /** `tls`: over TLS (ALPN h2) with this SNI, trusting `ca`; else h2c. */
  constructor(address: string, port: number, authority?: string, tls?: { servername: string; ca: string }) {
    this.#target = `${address}:${port}`;
    this.#options = {
      ...(authority === undefined ? {} : { 'grpc.default_authority': authority }),
      ...(tls === undefined ? {} : { 'grpc.ssl_target_name_override': tls.servername }),
    };
    this.#credentials =
      tls === undefined ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(Buffer.from(tls.ca));
  }

  call(call: EchoCall, timeoutMs = 5_000): Promise<EchoResult> {
    this.#client ??= new grpc.Client(this.#target, this.#credentials, this.#options);
    const client = this.#client;
    const metadata = new grpc.Metadata();
    for (const [name, value] of Object.entries(call.metadata ?? {})) metadata.set(name.toLowerCase(), value);
    const definition = method(call.method);
    return new Promise<EchoResult>((resolve) => {
      client.makeUnaryRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        Buffer.alloc(0),
        metadata,
        { deadline: Date.now() + timeoutMs },
        (error, response) => {
          if (error === null) {
            resolve({ code: grpc.status.OK, assertions: decodeEchoResponse(response ?? Buffer.alloc(0)) });
            return;
          }
          if (error.code === grpc.status.INTERNAL) this.close();
          resolve({ code: error.code });
        },
      );
    });
  }

  close(): void {
    this.#client?.close();
    this.#client = null;
  }
}

/** One call on a client of its own (the weight test's sampler: a fresh DefaultClient per call). */
export async function sendRpc(address: string, port: number, call: EchoCall, timeoutMs = 5_000): Promise<EchoResult> {
  const client = new EchoClient(address, port, call.authority);
  try {
    return await client.call(call, timeoutMs);
  } finally {
    client.close();
  }
}
