import type { Db } from '@/db/handle';
import { configuredVisionProvider } from './configured';
import { runStartupModelCheck } from './model-check';
import { databaseBackoff } from './provider-state';

/** The start-up model check against the configured provider; a failure to ask is logged, never fatal. */
export async function checkConfiguredModelAtStartup(db: Db): Promise<void> {
  try {
    await runStartupModelCheck(db, configuredVisionProvider(), databaseBackoff(db));
  } catch (error) {
    console.warn(`[loupe] vision model check could not run: ${error instanceof Error ? error.message : String(error)}`);
  }
}
