import { BlockList } from 'node:net';
import type { RateLimit } from '../../routing/policy-types.ts';
import { ANSWERED, CONTINUE, type RequestStep, type StepExchange, type StepOutcome } from '../pipeline/steps.ts';
import { realClientAddress } from './real-client-address.ts';

/** Per client address: tokens left and when they were counted. */
interface Bucket {
  tokens: number;
  at: number;
}

/** Clients remembered per limit before the full (refilled) buckets are forgotten. */
const MAX_CLIENTS = 100_000;

/**
 * One rate (per second or per minute) with its burst, per client address. The buckets outlive table
 * generations: they are kept by the limit's identity (see `limiterFor`), not by the step.
 */
export class Limiter {
  readonly perMs: number;
  readonly burst: number;
  readonly buckets = new Map<string, Bucket>();

  constructor(perMs: number, burst: number) {
    this.perMs = perMs;
    this.burst = burst;
  }

  /** Takes one token for `client`; false when none is left. */
  take(client: string, now: number): boolean {
    let bucket = this.buckets.get(client);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_CLIENTS) this.forgetFull(now);
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(client, bucket);
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs);
      bucket.at = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  forgetFull(now: number): void {
    for (const [client, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.burst) this.buckets.delete(client);
    }
    if (this.buckets.size >= MAX_CLIENTS) this.buckets.clear();
  }
}

const limiters = new Map<string, Limiter>();

/** The limiter of one route's limit, the same across table generations while the limit is unchanged. */
function limiterFor(identity: string, perMs: number, burst: number): Limiter {
  const key = `${identity}|${perMs}|${burst}`;
  let limiter = limiters.get(key);
  if (limiter === undefined) {
    limiter = new Limiter(perMs, burst);
    limiters.set(key, limiter);
  }
  return limiter;
}

/**
 * limit-rps / limit-rpm with limit-burst-multiplier and limit-whitelist, after ingress-nginx
 * internal/ingress/annotations/ratelimit and its limit_req zones (burst = rate × multiplier, nodelay):
 * per client address and per replica; a refused request gets 503 (limit-req-status-code's default).
 */
export class RateLimitStep implements RequestStep {
  readonly name = 'rate-limit';
  readonly limiters: readonly Limiter[];
  readonly exempt: BlockList | null;
  readonly status: number;

  /** `identity`: what names this limit across generations (the Ingress and the rule). */
  constructor(limit: RateLimit, identity: string) {
    const list: Limiter[] = [];
    const multiplier = limit.burstMultiplier;
    if (limit.requestsPerSecond !== null) {
      const rate = limit.requestsPerSecond;
      list.push(limiterFor(identity + '|s', rate / 1000, Math.max(1, rate * multiplier)));
    }
    if (limit.requestsPerMinute !== null) {
      const rate = limit.requestsPerMinute;
      list.push(limiterFor(identity + '|m', rate / 60_000, Math.max(1, rate * multiplier)));
    }
    this.limiters = list;
    this.status = limit.status;
    if (limit.exempt.length === 0) {
      this.exempt = null;
    } else {
      const exempt = new BlockList();
      for (const cidr of limit.exempt) {
        const [address, bits] = cidr.split('/');
        exempt.addSubnet(address, Number(bits), address.includes(':') ? 'ipv6' : 'ipv4');
      }
      this.exempt = exempt;
    }
  }

  apply(exchange: StepExchange): StepOutcome {
    const client = realClientAddress(exchange);
    if (this.exempt !== null && this.exempt.check(client, client.includes(':') ? 'ipv6' : 'ipv4')) return CONTINUE;
    const now = performance.now();
    for (let i = 0; i < this.limiters.length; i++) {
      if (this.limiters[i].take(client, now)) continue;
      exchange.answerError(this.status, 'rate limit exceeded');
      return ANSWERED;
    }
    return CONTINUE;
  }
}
