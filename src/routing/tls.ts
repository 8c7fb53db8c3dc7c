// routing-semantics §6: TLS Secrets → certificates, and SNI host → Secret (oldest Ingress wins).

import { decodeBase64 } from './base64.ts';
import { isDnsLabel } from './backends.ts';
import { clip, readRecord, readString } from './kube-read.ts';
import type { Named } from './object-index.ts';
import { CONTROLLER_REF, problem, type ProblemCode } from './problems.ts';
import { dnsNameDefect, hostCovers } from './rule-host.ts';
import type { CertificateInspector, Problem, TlsCertificate, TlsTable } from './types.ts';

export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

/** One host of one spec.tls[] entry of an owned Ingress. */
export interface TlsClaim {
  readonly host: string;
  /** "namespace/name" of the Secret. */
  readonly secret: string;
  readonly ingress: Named;
  /** "spec.tls[0]" */
  readonly field: string;
  /** "spec.tls[0].hosts[1]", or the rule host's field when the entry lists no hosts. */
  readonly hostField: string;
}

export type SecretCheck =
  | { readonly ok: true; readonly certificate: TlsCertificate }
  | { readonly ok: false; readonly code: ProblemCode; readonly message: string };

function secretData(secret: Named, name: string): { text: string | null; encoded: boolean } {
  const data = readString(readRecord(secret.object, 'data'), name);
  if (data !== null && data !== '') return { text: data, encoded: true };
  // Manifest files may carry stringData, which the API server would have merged into data.
  const plain = readString(readRecord(secret.object, 'stringData'), name);
  return { text: plain === '' ? null : plain, encoded: false };
}

function decodePem(value: { text: string | null; encoded: boolean }): string | null {
  if (value.text === null) return null;
  const text = value.encoded ? decodeBase64(value.text) : value.text;
  return text !== null && text.includes('-----BEGIN ') ? text : null;
}

export function checkTlsSecret(key: string, secret: Named | undefined, inspect: CertificateInspector): SecretCheck {
  if (secret === undefined) return { ok: false, code: 'TlsSecretNotFound', message: `secret ${key} not found` };
  const type = readString(secret.object, 'type');
  if (type !== TLS_SECRET_TYPE) {
    const shown = type === null ? 'no type' : `type ${JSON.stringify(clip(type, 64))}`;
    return { ok: false, code: 'TlsSecretWrongType', message: `secret ${key} has ${shown}, not ${TLS_SECRET_TYPE}` };
  }
  const rawCert = secretData(secret, 'tls.crt');
  const rawKey = secretData(secret, 'tls.key');
  if (rawCert.text === null || rawKey.text === null) {
    const missing = rawCert.text === null ? 'tls.crt' : 'tls.key';
    return { ok: false, code: 'TlsSecretDataMissing', message: `secret ${key} has no data["${missing}"]` };
  }
  const certPem = decodePem(rawCert);
  const keyPem = decodePem(rawKey);
  if (certPem === null || keyPem === null) {
    const garbled = certPem === null ? 'tls.crt' : 'tls.key';
    return {
      ok: false,
      code: 'TlsSecretGarbled',
      message: `secret ${key} data["${garbled}"] is not base64-encoded PEM`,
    };
  }
  const check = inspect(certPem, keyPem);
  if (!check.ok) {
    return { ok: false, code: 'TlsCertificateInvalid', message: `secret ${key}: ${clip(check.error, 200)}` };
  }
  return {
    ok: true,
    certificate: {
      secret: key,
      certPem,
      keyPem,
      subject: check.subject,
      issuer: check.issuer,
      notBefore: check.notBefore,
      notAfter: check.notAfter,
      dnsNames: [...check.dnsNames].sort(),
    },
  };
}

/** "namespace/name" → its parts, or null when it is not a valid reference. */
export function parseSecretRef(text: string): { namespace: string; name: string } | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const namespace = text.slice(0, slash);
  const name = text.slice(slash + 1);
  return isDnsLabel(namespace) && dnsNameDefect(name) === null ? { namespace, name } : null;
}

export interface TlsAssembly {
  readonly table: TlsTable;
  /** Every TLS host that won, valid Secret or not: a host with TLS redirects even on the default certificate. */
  readonly declared: ReadonlyMap<string, string>;
}

/** `claims` must be in precedence order (oldest Ingress first, then field order). */
export function assembleTls(
  claims: readonly TlsClaim[],
  secrets: ReadonlyMap<string, Named>,
  defaultSslCertificate: string | null,
  inspect: CertificateInspector,
  problems: Problem[],
): TlsAssembly {
  const checks = new Map<string, SecretCheck>();
  const checkOnce = (key: string): SecretCheck => {
    let check = checks.get(key);
    if (check === undefined) {
      check = checkTlsSecret(key, secrets.get(key), inspect);
      checks.set(key, check);
    }
    return check;
  };

  const declared = new Map<string, string>();
  const winners = new Map<string, TlsClaim>();
  const hosts = new Map<string, string>();
  const certificates = new Map<string, TlsCertificate>();
  const reported = new Set<string>();
  for (const claim of claims) {
    const check = checkOnce(claim.secret);
    const reportKey = `${claim.ingress.key}|${claim.field}`;
    if (!check.ok && !reported.has(reportKey)) {
      reported.add(reportKey);
      problems.push(problem(check.code, claim.ingress.ref, `${claim.field}.secretName`, check.message));
    }
    const winner = winners.get(claim.host);
    if (winner !== undefined) {
      if (winner.secret !== claim.secret) {
        problems.push(
          problem(
            'TlsHostConflict',
            claim.ingress.ref,
            claim.hostField,
            `TLS host "${claim.host}" is already served with secret ${winner.secret} by Ingress ${winner.ingress.key} (${winner.field}), which is older`,
          ),
        );
      }
      continue;
    }
    winners.set(claim.host, claim);
    declared.set(claim.host, claim.secret);
    if (!check.ok) continue;
    hosts.set(claim.host, claim.secret);
    certificates.set(claim.secret, check.certificate);
    if (!check.certificate.dnsNames.some((name) => hostCovers(name, claim.host))) {
      problems.push(
        problem(
          'TlsHostNotInCertificate',
          claim.ingress.ref,
          claim.hostField,
          `certificate in secret ${claim.secret} does not name "${claim.host}" (it names ${check.certificate.dnsNames.join(', ') || 'no DNS names'})`,
        ),
      );
    }
  }

  const defaultCertificate =
    defaultSslCertificate === null
      ? null
      : defaultCertificateKey(defaultSslCertificate, checkOnce, certificates, problems);
  return { table: { hosts, certificates, defaultCertificate }, declared };
}

/** --default-ssl-certificate: the key of its Secret when usable (its certificate added), else null with a problem. */
function defaultCertificateKey(
  defaultSslCertificate: string,
  checkOnce: (key: string) => SecretCheck,
  certificates: Map<string, TlsCertificate>,
  problems: Problem[],
): string | null {
  const ref = parseSecretRef(defaultSslCertificate);
  if (ref === null) {
    problems.push(
      problem(
        'DefaultSslCertificateInvalid',
        CONTROLLER_REF,
        'defaultSslCertificate',
        `"${clip(defaultSslCertificate, 100)}" is not "namespace/name"`,
      ),
    );
  } else {
    const key = `${ref.namespace}/${ref.name}`;
    const check = checkOnce(key);
    if (check.ok) {
      certificates.set(key, check.certificate);
      return key;
    } else {
      problems.push(
        problem(
          check.code,
          { kind: 'Secret', namespace: ref.namespace, name: ref.name },
          'data',
          `--default-ssl-certificate: ${check.message}`,
        ),
      );
    }
  }
  return null;
}

/** The TLS Secret declared for a rule host: the exact host first, then a wildcard covering it. */
export function tlsSecretForHost(host: string, declared: ReadonlyMap<string, string>): string | null {
  if (host === '') return null;
  const exact = declared.get(host);
  if (exact !== undefined) return exact;
  if (host.startsWith('*.')) return null;
  const dot = host.indexOf('.');
  return dot > 0 ? (declared.get(`*${host.slice(dot)}`) ?? null) : null;
}
