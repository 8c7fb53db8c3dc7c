import { createSecureContext } from 'node:tls';
import type { SecureContext } from 'node:tls';
import type { RoutingState } from '../controller/state.ts';
import type { TlsTable } from '../routing/types.ts';
import type { Logger } from '../util/logger.ts';
import type { PemPair } from './self-signed.ts';

/**
 * The Secret ("namespace/name") serving an SNI name: the exact host first, then the one-label
 * wildcard ("*.foo.com" serves "bar.foo.com", not "foo.com" nor "baz.bar.foo.com"), else null.
 */
export function secretForServerName(tls: TlsTable, serverName: string): string | null {
  let name = serverName.toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name.length === 0) return null;
  const exact = tls.hosts.get(name);
  if (exact !== undefined) return exact;
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) return null;
  const wildcard = tls.hosts.get('*' + name.slice(dot));
  return wildcard === undefined ? null : wildcard;
}

interface CachedContext {
  readonly certPem: string;
  readonly keyPem: string;
  readonly context: SecureContext;
}

export interface CertificateStore {
  /** For `SNICallback`: picks the context for the name from the current table. */
  sniCallback(serverName: string, callback: (error: Error | null, context?: SecureContext) => void): void;
  /** The PEMs for clients without SNI (or unknown names): --default-ssl-certificate, else self-signed. */
  defaultPems(): PemPair;
  /** Secure contexts currently cached, for tests and the status page. */
  cachedContexts(): number;
}

export interface CertificateStoreOptions {
  getState(): RoutingState;
  selfSigned: PemPair;
  log: Logger;
}

/**
 * Secure contexts are cached per Secret and rebuilt only when its PEMs change, so a certificate update
 * takes effect on the next handshake without a restart. Entries for Secrets gone from the table are
 * dropped when the generation changes.
 */
export function createCertificateStore(options: CertificateStoreOptions): CertificateStore {
  const { getState, selfSigned, log } = options;
  const cache = new Map<string, CachedContext>();
  let selfSignedContext: SecureContext | null = null;
  let sweptGeneration = -1;

  function contextFor(secret: string, certPem: string, keyPem: string): SecureContext | null {
    const cached = cache.get(secret);
    if (cached !== undefined && cached.certPem === certPem && cached.keyPem === keyPem) return cached.context;
    try {
      const context = createSecureContext({ cert: certPem, key: keyPem });
      cache.set(secret, { certPem, keyPem, context });
      return context;
    } catch (error) {
      // The table only holds pairs the inspector accepted, so this is rare; never log key material.
      log.warn({ secret, error: (error as Error).message }, 'cannot load TLS certificate, serving the default');
      cache.delete(secret);
      return null;
    }
  }

  function sweep(tls: TlsTable): void {
    for (const secret of cache.keys()) if (!tls.certificates.has(secret)) cache.delete(secret);
  }

  function defaultContext(tls: TlsTable): SecureContext {
    if (tls.defaultCertificate !== null) {
      const certificate = tls.certificates.get(tls.defaultCertificate);
      if (certificate !== undefined) {
        const context = contextFor(certificate.secret, certificate.certPem, certificate.keyPem);
        if (context !== null) return context;
      }
    }
    if (selfSignedContext === null)
      selfSignedContext = createSecureContext({ cert: selfSigned.certPem, key: selfSigned.keyPem });
    return selfSignedContext;
  }

  return {
    sniCallback(serverName, callback) {
      const state = getState();
      const tls = state.result.tls;
      if (state.generation !== sweptGeneration) {
        sweptGeneration = state.generation;
        sweep(tls);
      }
      const secret = secretForServerName(tls, serverName);
      if (secret !== null) {
        const certificate = tls.certificates.get(secret);
        if (certificate !== undefined) {
          const context = contextFor(secret, certificate.certPem, certificate.keyPem);
          if (context !== null) {
            callback(null, context);
            return;
          }
        }
      }
      callback(null, defaultContext(tls));
    },
    defaultPems() {
      const tls = getState().result.tls;
      if (tls.defaultCertificate !== null) {
        const certificate = tls.certificates.get(tls.defaultCertificate);
        if (certificate !== undefined) return { certPem: certificate.certPem, keyPem: certificate.keyPem };
      }
      return selfSigned;
    },
    cachedContexts() {
      return cache.size;
    },
  };
}
