import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths';

interface FakeGroq {
  url: string;
  close: () => Promise<void> | void;
}

interface FakeGroqModule {
  startFakeGroq: (options?: { port?: number }) => Promise<FakeGroq>;
}

const MODULE_PATH = path.join(REPO_ROOT, 'lib', 'testing', 'fake-groq.ts');

/**
 * The faithful fake of Groq's API from the alt-text tests, so uploads in the browser get real AI alt text
 * through the real groq-sdk. Null while that module is not in the tree: the app then runs without a provider.
 */
export async function startFakeGroqIfAvailable(): Promise<FakeGroq | null> {
  if (!existsSync(MODULE_PATH)) return null;
  const loaded = (await import(MODULE_PATH)) as FakeGroqModule;
  return loaded.startFakeGroq();
}
