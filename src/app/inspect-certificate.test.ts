import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectCertificate } from './inspect-certificate.ts';

const certs = join(import.meta.dirname, '..', 'routing', 'testdata', 'certs');
const read = (name: string) => readFileSync(join(certs, name), 'utf8');

describe('inspectCertificate', () => {
  it('reads subject, issuer, validity and DNS names of the leaf of a chain', () => {
    expect(inspectCertificate(read('foo.crt'), read('foo.key'))).toEqual({
      ok: true,
      subject: 'CN=foo.example.com',
      issuer: 'CN=sluice test CA',
      notBefore: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
      notAfter: expect.stringMatching(/^21\d\d-/),
      dnsNames: ['foo.example.com', 'www.foo.example.com'],
    });
  });

  it('reads a wildcard certificate', () => {
    const check = inspectCertificate(read('wildcard.crt'), read('wildcard.key'));
    expect(check.ok && check.dnsNames).toEqual(['*.example.com']);
  });

  it('accepts a self-signed certificate with its own key', () => {
    expect(inspectCertificate(read('ca.crt'), read('ca.key'))).toMatchObject({
      ok: true,
      subject: 'CN=sluice test CA',
      dnsNames: [],
    });
  });

  it('rejects a key that belongs to another certificate', () => {
    expect(inspectCertificate(read('foo.crt'), read('bar.key'))).toEqual({
      ok: false,
      error: 'tls.key does not match the certificate in tls.crt',
    });
  });

  it('rejects text with no certificate, a broken certificate and a broken key', () => {
    expect(inspectCertificate('hello', read('foo.key'))).toMatchObject({
      ok: false,
      error: 'tls.crt holds no PEM certificate',
    });
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(inspectCertificate(broken, read('foo.key'))).toMatchObject({
      ok: false,
      error: expect.stringContaining('does not parse'),
    });
    expect(inspectCertificate(read('foo.crt'), 'not a key')).toMatchObject({
      ok: false,
      error: expect.stringContaining('tls.key does not parse'),
    });
  });
});
