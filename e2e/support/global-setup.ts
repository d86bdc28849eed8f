import type { FullConfig } from '@playwright/test';
import { buildApp } from './build';
import { startE2eFakeGroq } from './fake-groq';
import { startApp } from './server';
import { PROVIDED_ENV } from './test';

/**
 * Once per run: `next build`, the fake Groq API, and one running app on a free port with a fresh data folder.
 * Files that need a pristine app (the first-run setup flow) start their own with startApp().
 * Returns the teardown, which Playwright runs after the last test.
 */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  await buildApp();
  const fakeGroq = await startE2eFakeGroq();
  const app = await startApp({ fakeGroqUrl: fakeGroq.url });
  process.env[PROVIDED_ENV.baseUrl] = app.url;
  process.env[PROVIDED_ENV.fakeGroqUrl] = fakeGroq.url;
  return async () => {
    await app.stop();
    await fakeGroq.close();
  };
}
