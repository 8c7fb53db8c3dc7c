import type { HashKeyPart } from '../../routing/policy-types.ts';
import type { StepExchange } from '../pipeline/steps.ts';
import { readBasic } from './basic-auth-step.ts';
import { realClientAddress } from './real-client-address.ts';

/** The value of query argument `name` in a query ("?a=1&b=2"), or ''. */
function argValue(query: string, name: string): string {
  let start = 1;
  while (start < query.length) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    const equals = query.indexOf('=', start);
    const nameEnd = equals > 0 && equals < end ? equals : end;
    if (query.slice(start, nameEnd) === name) return nameEnd === end ? '' : query.slice(nameEnd + 1, end);
    start = end + 1;
  }
  return '';
}

/** The value of cookie `name` in a Cookie header, or ''. */
export function cookieOf(header: string | null, name: string): string {
  if (header === null) return '';
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    const equals = header.indexOf('=', start);
    if (equals > start && equals < end && header.slice(start, equals).trim() === name)
      return header.slice(equals + 1, end).trim();
    start = end + 1;
  }
  return '';
}

/** upstream-hash-by's key, from the request as nginx's variables would give it (missing parts are empty). */
export function requestKey(parts: readonly HashKeyPart[], exchange: StepExchange): string {
  let key = '';
  for (let i = 0; i < parts.length; i++) key += keyPart(parts[i], exchange);
  return key;
}

/** One part of a key: its text, or the value of its nginx variable in this request ('' when missing). */
export function keyPart(part: HashKeyPart, exchange: StepExchange): string {
  switch (part.from) {
    case 'text':
      return part.text;
    case 'uri':
      return exchange.path + exchange.query;
    case 'path':
      return exchange.path;
    case 'query':
      return exchange.query.slice(1);
    case 'host':
      return exchange.host;
    case 'client-address':
      return realClientAddress(exchange);
    case 'method':
      return exchange.method;
    case 'remote-user':
      return readBasic(exchange.header('authorization'))?.user ?? '';
    case 'header':
      return exchange.header(part.name) ?? '';
    case 'cookie':
      return cookieOf(exchange.header('cookie'), part.name);
    case 'arg':
      return argValue(exchange.query, part.name);
  }
}
