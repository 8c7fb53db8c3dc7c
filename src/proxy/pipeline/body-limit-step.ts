import { ANSWERED, CONTINUE, type RequestStep, type StepExchange, type StepOutcome } from './steps.ts';

/**
 * sluice.dev/max-body-size (or --max-body-size): a declared Content-Length over the limit gets 413 before
 * anything is sent upstream. A chunked body is counted while it streams (upstream-attempt.ts).
 */
export class BodyLimitStep implements RequestStep {
  readonly name = 'body-limit';
  readonly limit: number;
  readonly reason: string;

  constructor(limit: number) {
    this.limit = limit;
    this.reason = 'request body over ' + limit + ' bytes';
  }

  apply(exchange: StepExchange): StepOutcome {
    if (exchange.contentLength <= this.limit) return CONTINUE;
    exchange.answerError(413, this.reason);
    return ANSWERED;
  }
}
