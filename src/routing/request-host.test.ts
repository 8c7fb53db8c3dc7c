import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { normalizeRequestHost } from './request-host.ts';

describe('normalizeRequestHost', () => {
  it.each([
    ['foo.com', 'foo.com'],
    ['FOO.Com', 'foo.com'],
    ['foo.com:8080', 'foo.com'],
    ['foo.com:', 'foo.com'],
    ['foo.com.', 'foo.com'],
    ['Foo.Com.:443', 'foo.com'],
    ['localhost', 'localhost'],
    ['my_host-1.example', 'my_host-1.example'],
    ['127.0.0.1:80', '127.0.0.1'],
    ['[::1]', '[::1]'],
    ['[::1]:8080', '[::1]'],
    ['[2001:DB8::A]:443', '[2001:db8::a]'],
    ['[::ffff:10.0.0.1]', '[::ffff:10.0.0.1]'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeRequestHost(raw)).toBe(expected);
  });

  it.each([
    [undefined],
    [''],
    [':80'],
    ['.'],
    ['.foo.com'],
    ['foo..com'],
    ['foo.com..'],
    ['foo.com:8o'],
    ['foo.com:80:80'],
    ['foo bar'],
    ['foo/bar'],
    ['*.foo.com'],
    ['user@foo.com'],
    ['föö.com'],
    ['[::1'],
    ['[]'],
    ['[::1]x'],
    ['[::g]'],
    ['[::1%25eth0]'],
  ])('%s is invalid', (raw) => {
    expect(normalizeRequestHost(raw)).toBeNull();
  });

  it('returns the input string itself when it is already normal', () => {
    const raw = 'already.normal.example';
    expect(normalizeRequestHost(raw)).toBe(raw);
  });

  it('is idempotent', () => {
    const hostChar = fc.constantFrom(...'aZ09-_.:[]'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: hostChar, maxLength: 20 }), (raw) => {
        const once = normalizeRequestHost(raw);
        expect(once === null ? null : normalizeRequestHost(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('never yields upper case, a port or a trailing dot', () => {
    fc.assert(
      fc.property(fc.domain(), fc.option(fc.integer({ min: 0, max: 65535 })), fc.boolean(), (domain, port, dot) => {
        const raw = domain.toUpperCase() + (dot ? '.' : '') + (port === null ? '' : `:${port}`);
        expect(normalizeRequestHost(raw)).toBe(domain.toLowerCase());
      }),
    );
  });
});
