import type { BackendEndpoints } from '../../routing/types.ts';
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

  constructor(backend: BackendEndpoints, percent: number) {
    this.backend = backend;
    this.percent = percent;
  }

  apply(exchange: StepExchange): StepOutcome {
    if (exchange.upgrade) return CONTINUE;
    if (this.percent >= 100 || Math.random() * 100 < this.percent) exchange.mirror(this.backend);
    return CONTINUE;
  }
}
