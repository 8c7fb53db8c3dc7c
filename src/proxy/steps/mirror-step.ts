import type { BackendEndpoints } from '../../routing/types.ts';
import type { UpstreamTransport } from '../upstream-transport.ts';
import { CONTINUE, type RequestStep, type StepExchange, type StepOutcome } from '../pipeline/steps.ts';

/**
 * Gateway API RequestMirror (conformance/tests/httproute-request-mirror.go, -multiple-mirrors.go,
 * -percentage-mirror.go): the last request step, so the copy carries the rewritten path and edited headers.
 * `percent` of the requests are mirrored (100: all). Upgrades are not mirrored.
 */
export class MirrorStep implements RequestStep {
  readonly name = 'mirror';
  readonly backend: BackendEndpoints;
  readonly percent: number;
  /** How the mirror's pods are reached (the route's protocol, the mirror Service's appProtocol); null: HTTP/1.1. */
  readonly transport: UpstreamTransport | null;

  constructor(backend: BackendEndpoints, percent: number, transport: UpstreamTransport | null) {
    this.backend = backend;
    this.percent = percent;
    this.transport = transport;
  }

  apply(exchange: StepExchange): StepOutcome {
    if (exchange.upgrade) return CONTINUE;
    if (this.percent >= 100 || Math.random() * 100 < this.percent) exchange.mirror(this.backend, this.transport);
    return CONTINUE;
  }
}
