// The certificate inspector the routing builder is given (routing/ does no crypto itself): parses a
// PEM chain with node:crypto, checks the private key belongs to the leaf, and reports its facts.

import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import type { CertificateCheck, CertificateInspector } from '../routing/types.ts';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function parseChain(certPem: string): X509Certificate[] | string {
  const blocks = certPem.match(PEM_CERTIFICATE);
  if (blocks === null) return 'tls.crt holds no PEM certificate';
  const chain: X509Certificate[] = [];
  for (const [index, block] of blocks.entries()) {
    try {
      chain.push(new X509Certificate(block));
    } catch (error) {
      return `certificate ${index + 1} of tls.crt does not parse: ${errorText(error)}`;
    }
  }
  return chain;
}

function parseKey(keyPem: string): KeyObject | string {
  try {
    return createPrivateKey(keyPem);
  } catch (error) {
    return `tls.key does not parse: ${errorText(error)}`;
  }
}

/** DNS names from the subjectAltName text ("DNS:a.example, DNS:*.b.example, IP Address:…"). */
function dnsNames(certificate: X509Certificate): string[] {
  const names: string[] = [];
  for (const entry of (certificate.subjectAltName ?? '').split(',')) {
    const trimmed = entry.trim();
    if (trimmed.startsWith('DNS:')) names.push(trimmed.slice(4).toLowerCase());
  }
  return names.sort();
}

/** "CN=foo.example.com, O=Example" from node's one-attribute-per-line form. */
function distinguishedName(text: string): string {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .join(', ');
}

export const inspectCertificate: CertificateInspector = (certPem, keyPem): CertificateCheck => {
  const chain = parseChain(certPem);
  if (typeof chain === 'string') return { ok: false, error: chain };
  const key = parseKey(keyPem);
  if (typeof key === 'string') return { ok: false, error: key };
  const leaf = chain[0];
  if (!leaf.checkPrivateKey(key)) return { ok: false, error: 'tls.key does not match the certificate in tls.crt' };
  return {
    ok: true,
    subject: distinguishedName(leaf.subject),
    issuer: distinguishedName(leaf.issuer),
    notBefore: leaf.validFromDate.toISOString(),
    notAfter: leaf.validToDate.toISOString(),
    dnsNames: dnsNames(leaf),
  };
};
