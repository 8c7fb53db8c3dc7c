import type { RequestFacts } from '../../routing/types.ts';
import type { EdgeRequest } from './exchange.ts';

interface FactsSource {
  readonly req: EdgeRequest;
  readonly method: string;
  /** The raw query string (without "?"), set by the route decision before the matcher runs. */
  readonly query: string;
}

/**
 * What Gateway API matches read besides host and path (method, headers, query parameters), straight off
 * the request; the query is parsed only when a route asks for a parameter.
 */
export class ExchangeFacts implements RequestFacts {
  readonly #source: FactsSource;
  #params: URLSearchParams | null = null;
  #parsedFrom = '';

  constructor(source: FactsSource) {
    this.#source = source;
  }

  get method(): string {
    return this.#source.method;
  }

  header(name: string): string | undefined {
    const value = this.#source.req.headers[name];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }

  query(name: string): string | undefined {
    const raw = this.#source.query;
    if (this.#params === null || this.#parsedFrom !== raw) {
      this.#params = new URLSearchParams(raw);
      this.#parsedFrom = raw;
    }
    return this.#params.get(name) ?? undefined;
  }
}
