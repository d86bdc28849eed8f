import { test as base, expect } from '@playwright/test';

export { expect };
export type { Browser, BrowserContext, Page } from '@playwright/test';

/** What globalSetup hands every browser test file (it starts them once per run). */
export interface ProvidedContext {
  /** A running, built Loupe shared by test files that do not need a fresh one. */
  baseUrl: string;
  /** The fake Groq API the servers call for alt text. */
  fakeGroqUrl: string;
}

/** globalSetup runs in Playwright's main process; its environment is what every worker inherits. */
export const PROVIDED_ENV: Record<keyof ProvidedContext, string> = { baseUrl: 'LOUPE_E2E_BASE_URL', fakeGroqUrl: 'LOUPE_E2E_FAKE_GROQ_URL' };

/** A value globalSetup provided (the name and use of vitest's inject, so older test files convert line for line). */
export function inject<Key extends keyof ProvidedContext>(key: Key): ProvidedContext[Key] {
  const value = process.env[PROVIDED_ENV[key]];
  if (!value) throw new Error(`${PROVIDED_ENV[key]} is not set: run the browser tests with \`npx playwright test\` (its globalSetup starts the app)`);
  return value;
}

/** Playwright's test with the provided values as worker fixtures too: test('…', async ({ page, baseUrl }) => …). */
export const test = base.extend<object, ProvidedContext>({
  baseUrl: [async ({}, use) => use(inject('baseUrl')), { scope: 'worker' }],
  fakeGroqUrl: [async ({}, use) => use(inject('fakeGroqUrl')), { scope: 'worker' }],
});
