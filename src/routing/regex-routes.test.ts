// Regex hosts match as ingress-nginx writes them (`location ~* "^path"`, longest first), on re2js.

import { describe, expect, it } from 'vitest';
import { build } from './build.ts';
import {
  ingress,
  service,
  slice,
  sluiceClass,
  snapshotOf,
  testOptions,
} from '../../test/support/routing-build-fixtures.ts';
import { compileMatcher } from './matcher.ts';
import { checkRegexPath } from './regex-path.ts';

function matcherFor(paths: string[]) {
  const result = build(
    snapshotOf([
      sluiceClass,
      ingress({
        name: 'regex',
        host: 're.test',
        annotations: { 'nginx.ingress.kubernetes.io/use-regex': 'true' },
        paths: paths.map((path) => ({ path, pathType: 'ImplementationSpecific', service: 'web' })),
      }),
      service('web'),
      slice('web', ['10.0.0.1']),
    ]),
    testOptions,
  );
  return { result, matcher: compileMatcher(result.table) };
}

describe('regex paths', () => {
  it('are case-insensitive prefixes, the longest path first', () => {
    const { matcher } = matcherFor(['/a', '/a/b(.*)', '/a/b/c']);
    // "Longest" is the pattern text's length, as ingress-nginx sorts locations: /a/b(.*) before /a/b/c.
    expect(matcher.match('re.test', '/A/B/C/d')?.route?.path).toBe('/a/b(.*)');
    expect(matcherFor(['/a', '/a/b', '/a/b/c']).matcher.match('re.test', '/A/B/C/d')?.route?.path).toBe('/a/b/c');
    expect(matcher.match('re.test', '/a/bx')?.route?.path).toBe('/a/b(.*)');
    expect(matcher.match('re.test', '/ab')?.route?.path).toBe('/a');
    expect(matcher.match('re.test', '/b')).toBeNull();
  });

  it('refuses what RE2 cannot express, as AnnotationValueInvalid on the path', () => {
    expect(checkRegexPath('/(?=x)').ok).toBe(false);
    expect(checkRegexPath('/(a)\\1').ok).toBe(false);
    expect(checkRegexPath('/ok(/|$)(.*)').ok).toBe(true);
    const { result } = matcherFor(['/(?<=a)b', '/fine']);
    expect(result.problems.map((each) => `${each.code} ${each.field}`)).toEqual([
      'AnnotationValueInvalid spec.rules[0].http.paths[0].path',
    ]);
  });

  it('match in linear time: a pathological pattern against a long path answers in milliseconds', () => {
    const { matcher } = matcherFor(['/(a+)+$', '/(x|x)*y']);
    const path = `/${'a'.repeat(50_000)}!`;
    const started = performance.now();
    expect(matcher.match('re.test', path)).toBeNull();
    expect(matcher.match('re.test', `/${'x'.repeat(50_000)}`)).toBeNull();
    // A backtracking engine takes longer than the age of the universe here; re2js takes milliseconds.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
