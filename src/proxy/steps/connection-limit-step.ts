import {
  ANSWERED,
  CONTINUE,
  type RequestDoneListener,
  type RequestStep,
  type StepExchange,
  type StepOutcome,
} from '../pipeline/steps.ts';
import { realClientAddress } from './real-client-address.ts';

/** Requests in progress per client address, by limit identity: kept across table generations. */
const inProgress = new Map<string, Map<string, number>>();

/**
 * limit-connections, after ingress-nginx internal/ingress/annotations/ratelimit (limit_conn): requests of
 * one client address in progress at once on this route, per replica; over it, 503. A request counts
 * from its steps until its response has closed. Upgrades (WebSockets) are not counted.
 */
export class ConnectionLimitStep implements RequestStep, RequestDoneListener {
  readonly name = 'connection-limit';
  readonly limit: number;
  readonly counts: Map<string, number>;

  constructor(limit: number, identity: string) {
    this.limit = limit;
    const key = `${identity}|${limit}`;
    let counts = inProgress.get(key);
    if (counts === undefined) {
      counts = new Map();
      inProgress.set(key, counts);
    }
    this.counts = counts;
  }

  apply(exchange: StepExchange): StepOutcome {
    if (exchange.upgrade) return CONTINUE;
    const client = realClientAddress(exchange);
    const count = this.counts.get(client) ?? 0;
    if (count >= this.limit) {
      exchange.answerError(503, 'too many requests in progress from this client');
      return ANSWERED;
    }
    this.counts.set(client, count + 1);
    exchange.notifyWhenDone(this);
    return CONTINUE;
  }

  requestDone(exchange: StepExchange): void {
    const client = realClientAddress(exchange);
    const count = (this.counts.get(client) ?? 1) - 1;
    if (count <= 0) this.counts.delete(client);
    else this.counts.set(client, count);
  }
}
