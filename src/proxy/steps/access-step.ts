import { BlockList } from 'node:net';
import type { Access } from '../../routing/policy-types.ts';
import { ANSWERED, CONTINUE, type RequestStep, type StepExchange, type StepOutcome } from '../pipeline/steps.ts';
import { realClientAddress } from './real-client-address.ts';

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const slash = cidr.indexOf('/');
    const address = cidr.slice(0, slash);
    list.addSubnet(address, Number(cidr.slice(slash + 1)), address.includes(':') ? 'ipv6' : 'ipv4');
  }
  return list;
}

/**
 * denylist-source-range, then allowlist-source-range (whitelist-source-range), after ingress-nginx
 * ipdenylist / ipallowlist: a client outside the allow list, or inside the deny list, gets 403.
 */
export class AccessStep implements RequestStep {
  readonly name = 'access';
  readonly allow: BlockList | null;
  readonly deny: BlockList | null;

  constructor(access: Access) {
    this.allow = access.allow === null ? null : blockListOf(access.allow);
    this.deny = access.deny.length === 0 ? null : blockListOf(access.deny);
  }

  apply(exchange: StepExchange): StepOutcome {
    const address = realClientAddress(exchange);
    const family = address.includes(':') ? 'ipv6' : 'ipv4';
    const denied =
      (this.deny !== null && this.deny.check(address, family)) ||
      (this.allow !== null && !this.allow.check(address, family));
    if (!denied) return CONTINUE;
    exchange.answerError(403, 'client address not allowed');
    return ANSWERED;
  }
}
