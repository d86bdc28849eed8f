import path from 'node:path';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const alias = { '@': path.resolve(__dirname) };

function project(test: TestProjectInlineConfiguration['test']): TestProjectInlineConfiguration {
  return { resolve: { alias }, test: { testTimeout: 60_000, hookTimeout: 120_000, pool: 'forks', ...test } };
}

/**
 * Projects: `pglite` runs every unit and integration test on embedded PGlite; `postgres` runs the integration
 * tests (*.int.test.ts) again on PostgreSQL + pgvector when TEST_DATABASE_URL is set. The browser tests (e2e/)
 * are Playwright Test's: playwright.config.ts.
 */
export default defineConfig({
  resolve: { alias },
  test: {
    // Two test files at a time even on a 2-core machine (vitest's default there is one): most integration files
    // spend their time waiting on PGlite, PostgreSQL, s3rver or a child process rather than on the CPU.
    maxWorkers: 2,
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
    projects: [
      project({ name: 'pglite', include: ['{lib,app,db,components,test,tools}/**/*.test.ts'], env: { LOUPE_TEST_DRIVER: 'pglite' } }),
      ...(process.env.TEST_DATABASE_URL
        ? [
            project({
              name: 'postgres',
              include: ['{lib,app,db,test,tools}/**/*.int.test.ts'],
              env: { LOUPE_TEST_DRIVER: 'postgres' },
              globalSetup: ['test/postgres-global-setup.ts'],
            }),
          ]
        : []),
    ],
  },
});
