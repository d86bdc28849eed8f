import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/support/paths';

/**
 * The browser tests (e2e/*.e2e.ts) in Playwright Test, on Debian's Chromium (never a downloaded browser).
 * One worker: each file's tests share a page and an app, and the machine that runs them is small. globalSetup
 * builds the app once and starts the fake Groq API and the shared app (e2e/support/global-setup.ts).
 * A failed test keeps its trace and a screenshot of every open page under test-results/playwright/.
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.e2e.ts',
  globalSetup: './e2e/support/global-setup.ts',
  timeout: 180_000,
  expect: { timeout: 10_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: process.env.CI === 'true',
  // Not test-results/ itself: Playwright empties its outputDir at start, and vitest's report lives there.
  outputDir: 'test-results/playwright',
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'test-results/playwright.json' }]] : [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    viewport: { width: 1280, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
