import { CONTINUE, type RequestStep, type StepExchange, type StepOutcome } from '../pipeline/steps.ts';

/**
 * gRPC over an HTTP/2 upstream: `te: trailers` is a hop-by-hop header the edge drops from every request,
 * but gRPC requires it on each hop (gRPC over HTTP/2 spec: "TE → trailers"), so it is set again for
 * gRPC requests (content-type application/grpc…) going to an HTTP/2 backend.
 */
export class GrpcTeStep implements RequestStep {
  readonly name = 'grpc-te';

  apply(exchange: StepExchange): StepOutcome {
    const type = exchange.header('content-type');
    if (type !== null && type.startsWith('application/grpc')) exchange.headers.push('te', 'trailers');
    return CONTINUE;
  }
}
