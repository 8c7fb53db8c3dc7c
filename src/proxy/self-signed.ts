import { generate } from 'selfsigned';

export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * The certificate served for unknown SNI when no --default-ssl-certificate is set. EC P-256 keeps
 * start-up fast (milliseconds, where RSA 2048 takes hundreds).
 */
export async function generateSelfSigned(
  commonName = 'sluice default certificate',
  dnsNames: readonly string[] = [],
): Promise<PemPair> {
  const now = Date.now();
  const result = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 365 * 24 * 3600_000),
    extensions:
      dnsNames.length === 0
        ? []
        : [{ name: 'subjectAltName', altNames: dnsNames.map((value) => ({ type: 2 as const, value })) }],
  });
  return { certPem: result.cert, keyPem: result.private };
}
