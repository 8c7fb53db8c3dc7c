import { isIP } from 'node:net';
import type { StepExchange } from '../pipeline/steps.ts';
import { headerValue } from './header-list.ts';

/**
 * The client address policies judge, honouring --trusted-proxies: the headers a step sees were already
 * filtered (an untrusted peer's X-Forwarded-For is dropped) and end with the peer's own address. So when
 * X-Forwarded-For holds more than the peer, the peer is a trusted proxy and the address before it is the
 * client it saw (one hop, like nginx's real_ip_header X-Forwarded-For).
 */
export function realClientAddress(exchange: StepExchange): string {
  const forwarded = headerValue(exchange.headers, 'x-forwarded-for');
  if (forwarded === null) return exchange.clientAddress;
  const last = forwarded.lastIndexOf(',');
  if (last < 0) return exchange.clientAddress;
  const before = forwarded.lastIndexOf(',', last - 1);
  const candidate = forwarded.slice(before + 1, last).trim();
  return isIP(candidate) === 0 ? exchange.clientAddress : candidate;
}
