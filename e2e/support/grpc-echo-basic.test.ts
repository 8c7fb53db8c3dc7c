import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeEchoResponse,
  encodeEchoResponse,
  EchoClient,
  sendRpc,
  startGrpcEchoPod,
  type GrpcEchoPod,
} from './grpc-echo-basic.ts';

describe('echo-basic gRPC pod', () => {
  let pod: GrpcEchoPod;
  beforeAll(async () => {
    pod = await startGrpcEchoPod('grpc-infra-backend-v1-0', 'gateway-conformance-infra', '127.0.0.1');
  });
  afterAll(() => pod?.close());

  it('encodes EchoResponse assertions in the proto3 wire format and reads them back', () => {
    const assertions = {
      fullyQualifiedMethod: '/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/Echo',
      authority: 'x'.repeat(300),
      namespace: 'ns',
      pod: 'p-0',
    };
    const wire = encodeEchoResponse(assertions);
    // EchoResponse.assertions: field 1, length-delimited; its length (> 127) takes two varint bytes.
    expect(wire[0]).toBe(0x0a);
    expect(wire[1] & 0x80).toBe(0x80);
    expect(decodeEchoResponse(wire)).toEqual(assertions);
  });

  it('answers Echo and EchoTwo with the method, authority and pod; EchoThree is UNIMPLEMENTED', async () => {
    const client = new EchoClient(pod.ip, pod.port, 'bar.com');
    try {
      const echo = await client.call({ method: 'EchoTwo' });
      expect(echo.code).toBe(status.OK);
      expect(echo.assertions).toEqual({
        fullyQualifiedMethod: '/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/EchoTwo',
        authority: 'bar.com',
        namespace: 'gateway-conformance-infra',
        pod: 'grpc-infra-backend-v1-0',
      });
      expect((await client.call({ method: 'EchoThree' })).code).toBe(status.UNIMPLEMENTED);
    } finally {
      client.close();
    }
    expect((await sendRpc(pod.ip, pod.port, { method: 'Echo' })).assertions?.fullyQualifiedMethod).toMatch(/\/Echo$/);
  });
});
