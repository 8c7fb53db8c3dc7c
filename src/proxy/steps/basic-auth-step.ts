import type { HtpasswdEntry } from '../../routing/htpasswd.ts';
import { checkPassword } from '../auth/password-check.ts';
import { ANSWERED, type RequestStep, type StepExchange, type StepOutcome, SUSPENDED } from '../pipeline/steps.ts';

/** Longest Authorization header read (base64 of user:password). */
const MAX_CREDENTIALS = 4096;

/**
 * auth-type basic (ingress-nginx's auth_basic): a request without a matching user and password gets 401 with
 * `WWW-Authenticate: Basic realm="…"`. The password check runs off the request's turn (SUSPENDED, then
 * proceed() or the 401), WebSocket handshakes included (their resolution waits). A route whose auth Secret is missing refuses every request with 503: it never opens.
 */
export class BasicAuthStep implements RequestStep {
  readonly name = 'basic-auth';
  /** null: the Secret is missing. */
  readonly users: ReadonlyMap<string, HtpasswdEntry> | null;
  readonly challenge: string;

  constructor(users: ReadonlyMap<string, HtpasswdEntry> | null, realm: string) {
    this.users = users;
    this.challenge = 'Basic realm="' + realm + '", charset="UTF-8"';
  }

  apply(exchange: StepExchange): StepOutcome {
    if (this.users === null) {
      exchange.answerError(503, 'the authentication Secret of this route is missing');
      return ANSWERED;
    }
    const credentials = readBasic(exchange.header('authorization'));
    const entry = credentials === null ? undefined : this.users.get(credentials.user);
    if (credentials === null || entry === undefined) return this.deny(exchange);
    checkPassword(entry, credentials.password).then(
      (ok) => this.decided(exchange, ok),
      () => this.decided(exchange, false),
    );
    return SUSPENDED;
  }

  decided(exchange: StepExchange, ok: boolean): void {
    if (exchange.clientGone) return;
    if (!ok) {
      this.deny(exchange);
      return;
    }
    removeAuthorization(exchange.headers);
    exchange.proceed();
  }

  deny(exchange: StepExchange): StepOutcome {
    exchange.addResponseHeader('www-authenticate', this.challenge);
    exchange.answerError(401, null);
    return ANSWERED;
  }
}

/** The credentials stay at the edge, as ingress-nginx's `proxy_set_header Authorization ""` (nginx.tmpl). */
function removeAuthorization(headers: string[]): void {
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    if (headers[i].length === 13 && headers[i].toLowerCase() === 'authorization') headers.splice(i, 2);
  }
}

/** user and password of "Basic base64(user:password)", or null. */
export function readBasic(header: string | null): { user: string; password: string } | null {
  if (header === null || header.length > MAX_CREDENTIALS) return null;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'basic') return null;
  const decoded = Buffer.from(header.slice(space + 1).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
