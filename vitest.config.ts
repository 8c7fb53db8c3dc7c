import { defineConfig } from 'vitest/config';

const report = process.env.SLUICE_VITEST_REPORT;

// The edge has two upstream clients (the lean HTTP/1 one, the default, and undici, its fallback when Node's llhttp
// is missing): the request-path tests, the hostile corpus and the fault tests run once more with undici so both
// paths stay tested.
const undiciPath = [
  'src/proxy/**/*.test.ts',
  'e2e/hostile-http.test.ts',
  'e2e/faults-*.test.ts',
  'e2e/rolling-update.test.ts',
  'e2e/annotations-timeouts-buffering-errors.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'lean',
          include: ['src/**/*.test.ts', 'e2e/**/*.test.ts', 'test/**/*.test.ts'],
          env: { SLUICE_UPSTREAM_CLIENT: 'lean' },
        },
      },
      {
        extends: true,
        test: { name: 'undici', include: undiciPath, env: { SLUICE_UPSTREAM_CLIENT: 'undici' } },
      },
    ],
  },
});
