import { describe, expect, it } from 'vitest';
import { shaCrypt } from './sha-crypt.ts';

describe('shaCrypt', () => {
  // Test vectors of Drepper's "Unix crypt using SHA-256 and SHA-512" specification.
  it.each([
    ['$5$saltstring', 'Hello world!', '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'],
    [
      '$5$rounds=10000$saltstringsaltstring',
      'Hello world!',
      '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA',
    ],
    [
      '$6$saltstring',
      'Hello world!',
      '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
    ],
    [
      '$6$rounds=10$roundstoolow',
      'the minimum number is still observed',
      '$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.',
    ],
    // openssl passwd -5 / -6 -salt abcdefgh 'open sesame'
    ['$5$abcdefgh', 'open sesame', '$5$abcdefgh$FWXdh6oXOJQkX7oAcP02d0Gnxjct6ra8Fwv29U9RIN2'],
  ])('%s with %j', (settings, password, expected) => {
    expect(shaCrypt(password, settings)).toBe(expected);
  });

  it('is null for other formats', () => {
    expect(shaCrypt('x', '$1$abc$def')).toBeNull();
    expect(shaCrypt('x', 'plaintext')).toBeNull();
  });
});
