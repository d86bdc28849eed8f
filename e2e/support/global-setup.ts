import type { TestProject } from 'vitest/node';
import { buildApp } from './build';
import { startE2eFakeGroq } from './fake-groq';
import { startApp } from './server';

/**
 * Once per run: `next build`, the fake Groq API, and one running app on a free port with a fresh data folder.
 * Files that need a pristine app (the first-run setup flow) start their own with startApp().
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await buildApp();
  const fakeGroq = await startE2eFakeGroq();
  const app = await startApp({ fakeGroqUrl: fakeGroq.url });
  project.provide('baseUrl', app.url);
  project.provide('fakeGroqUrl', fakeGroq.url);
  return async () => {
    await app.stop();
    await fakeGroq.close();
  };
}
