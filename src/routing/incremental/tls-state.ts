// The TLS part of a build (assembleTls), assembled again only when a TLS claim or a Secret changed, with
// certificate inspection memoised: re-assembling after a change parses no certificate a second time.

import type { Named } from '../object-index.ts';
import { assembleTls, type TlsAssembly, type TlsClaim } from '../tls.ts';
import type { BuildOptions, CertificateCheck, CertificateInspector, Problem, TlsTable } from '../types.ts';

/** The inspector, remembering its answers for the pairs of the last assembly only (so memory stays bounded). */
class InspectorMemo {
  readonly #inspect: CertificateInspector;
  #previous = new Map<string, Map<string, CertificateCheck>>();
  #current = new Map<string, Map<string, CertificateCheck>>();

  constructor(inspect: CertificateInspector) {
    this.#inspect = inspect;
  }

  readonly inspect: CertificateInspector = (certPem, keyPem) => {
    let check = this.#current.get(certPem)?.get(keyPem) ?? this.#previous.get(certPem)?.get(keyPem);
    if (check === undefined) check = this.#inspect(certPem, keyPem);
    let byKey = this.#current.get(certPem);
    if (byKey === undefined) {
      byKey = new Map();
      this.#current.set(certPem, byKey);
    }
    byKey.set(keyPem, check);
    return check;
  };

  /** Called after each assembly: what it did not ask for is forgotten at the next. */
  rotate(): void {
    this.#previous = this.#current;
    this.#current = new Map();
  }
}

export interface TlsResult {
  readonly table: TlsTable;
  readonly declared: ReadonlyMap<string, string>;
  readonly problems: readonly Problem[];
}

function sortedMap<V>(map: ReadonlyMap<string, V>): Map<string, V> {
  return new Map([...map].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

export class TlsState {
  readonly #memo: InspectorMemo;
  readonly #options: BuildOptions;

  constructor(options: BuildOptions) {
    this.#options = options;
    this.#memo = new InspectorMemo(options.inspectCertificate);
  }

  /** `claims` in precedence order (oldest Ingress first). */
  assemble(claims: readonly TlsClaim[], secrets: Pick<ReadonlyMap<string, Named>, 'get'>): TlsResult {
    const problems: Problem[] = [];
    const tls: TlsAssembly = assembleTls(
      claims,
      secrets,
      this.#options.defaultSslCertificate,
      this.#memo.inspect,
      problems,
    );
    this.#memo.rotate();
    return {
      table: Object.freeze({
        hosts: sortedMap(tls.table.hosts),
        certificates: sortedMap(tls.table.certificates),
        defaultCertificate: tls.table.defaultCertificate,
      }),
      declared: tls.declared,
      problems,
    };
  }
}

/** The TLS part of a build with no TLS claim yet. */
export const NO_TLS: TlsResult = {
  table: { hosts: new Map(), certificates: new Map(), defaultCertificate: null },
  declared: new Map(),
  problems: [],
};

/** Whether two host → Secret declarations are the same. */
export function sameDeclarations(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}
