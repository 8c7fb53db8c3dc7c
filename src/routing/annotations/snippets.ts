// Snippets are never executed: configuration is data, not code. The common header lines of
// configuration-snippet and server-snippet (more_set_headers, more_clear_headers, add_header,
// proxy_set_header) become header edits and the snippet is partial; any other line is quoted back as
// unsupported. Header values with nginx variables ($...) cannot be honoured either.

import type { PolicyDraft } from './draft.ts';
import type { ApplyResult } from './registry-types.ts';
import { isHeaderName, isHeaderValue } from './values.ts';

const MAX_SNIPPET = 16_384;

/** One statement's words, quotes removed; null when the quoting is broken. */
function words(statement: string): string[] | null {
  const out: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+)/g;
  let rest = statement;
  for (const found of statement.matchAll(pattern)) {
    out.push(found[1] ?? found[2] ?? found[3]);
    rest = rest.replace(found[0], '');
  }
  return /["']/.test(rest) ? null : out;
}

function statements(text: string): string[] {
  const lines = text.split('\n').map((line) => line.replace(/(^|\s)#.*$/, '').trim());
  return lines
    .join('\n')
    .split(';')
    .map((each) => each.trim().replaceAll(/\s+/g, ' '))
    .filter((each) => each !== '');
}

function isPlainValue(value: string): boolean {
  return isHeaderValue(value) && !value.includes('$');
}

/** Reads one statement into the draft; false when it is not one of the safe header lines. */
function readStatement(statement: string, draft: PolicyDraft): boolean {
  const parts = words(statement);
  if (parts === null || parts.length < 2) return false;
  const [directive, ...args] = parts;
  if (directive === 'more_set_headers') {
    if (args.some((arg) => arg.startsWith('-'))) return false;
    const pairs: [string, string][] = [];
    for (const arg of args) {
      const colon = arg.indexOf(':');
      const name = colon < 0 ? '' : arg.slice(0, colon).trim();
      const value = colon < 0 ? '' : arg.slice(colon + 1).trim();
      if (!isHeaderName(name) || !isPlainValue(value)) return false;
      pairs.push([name.toLowerCase(), value]);
    }
    draft.responseSet.push(...pairs);
    return true;
  }
  if (directive === 'more_clear_headers') {
    if (args.some((arg) => arg.startsWith('-') || !isHeaderName(arg) || arg.includes('*'))) return false;
    draft.responseRemove.push(...args.map((arg) => arg.toLowerCase()));
    return true;
  }
  if (directive === 'add_header' || directive === 'proxy_set_header') {
    const always = args.length === 3 && args[2] === 'always' && directive === 'add_header';
    if (!(args.length === 2 || always) || !isHeaderName(args[0]) || !isPlainValue(args[1])) return false;
    if (args[1] === '' && directive === 'proxy_set_header') {
      draft.requestRemove.push(args[0].toLowerCase());
      return true;
    }
    (directive === 'add_header' ? draft.responseSet : draft.requestSet).push([args[0].toLowerCase(), args[1]]);
    return true;
  }
  return false;
}

/** configuration-snippet and server-snippet. */
export function applySnippet(value: string, draft: PolicyDraft, field: string): ApplyResult {
  if (value.length > MAX_SNIPPET) return { unsupported: 'the snippet is over 16 KiB; none of it is read' };
  const refused: string[] = [];
  let read = 0;
  for (const statement of statements(value)) {
    if (readStatement(statement, draft)) read++;
    else refused.push(statement);
  }
  draft.headersField ||= field;
  if (refused.length === 0) {
    return read === 0 ? null : { partial: `never executed; its ${read} header line(s) are applied as header edits` };
  }
  const quoted = JSON.stringify(refused[0].slice(0, 120));
  const more = refused.length > 1 ? ` and ${refused.length - 1} more` : '';
  return {
    unsupported: `never executed; ${quoted}${more} cannot be honoured${read > 0 ? `; its ${read} header line(s) are applied` : ''}`,
  };
}
