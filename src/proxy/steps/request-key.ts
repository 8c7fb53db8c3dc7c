import type { HashKeyPart } from '../../routing/policy-types.ts';
import type { StepExchange } from '../pipeline/steps.ts';
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
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    switch (part.from) {
      case 'text':
        key += part.text;
        break;
      case 'uri':
        key += exchange.path + exchange.query;
        break;
      case 'path':
        key += exchange.path;
        break;
      case 'query':
        key += exchange.query.slice(1);
        break;
      case 'host':
        key += exchange.host;
        break;
      case 'client-address':
        key += realClientAddress(exchange);
        break;
      case 'method':
        key += exchange.method;
        break;
      case 'header':
        key += exchange.header(part.name) ?? '';
        break;
      case 'cookie':
        key += cookieOf(exchange.header('cookie'), part.name);
        break;
      case 'arg':
        key += argValue(exchange.query, part.name);
        break;
    }
  }
  return key;
}
