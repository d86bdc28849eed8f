import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { settings } from '@/db/schema';
import { configuredModel } from './provider';

/**
 * Whether the configured embedding model loads is a fact about the whole instance, not about a photo: kept in
 * the database (every instance and page reads the same answer, and it survives a restart until a load proves
 * otherwise). Written whenever the configured model is loaded, so it is as fresh as the last attempt.
 */

const KEY = 'embedding_model_unavailable';

export type EmbeddingAvailability =
  | { available: true }
  /**
   * `model`: the EMBEDDING_MODEL that did not load; `message`: why, in the loader's words (for admins);
   * `since`: the first failure; `fix`: what an admin sets.
   */
  | { available: false; model: string; message: string; since: Date; fix: string };

interface Recorded {
  model: string;
  message: string;
  since: string;
}

/** Records that the configured model did not load; the first failure's time is kept while it stays unavailable. */
export async function recordModelUnavailable(db: Pick<Db, 'select' | 'insert'>, model: string, message: string): Promise<void> {
  const [current] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, KEY));
  const previous = current ? (JSON.parse(current.value) as Recorded) : null;
  const since = previous?.model === model ? previous.since : new Date().toISOString();
  const value = JSON.stringify({ model, message, since } satisfies Recorded);
  await db.insert(settings).values({ key: KEY, value }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: sql`now()` } });
}

/** The configured model loaded: search by meaning works again. */
export async function recordModelAvailable(db: Pick<Db, 'delete'>): Promise<void> {
  await db.delete(settings).where(eq(settings.key, KEY));
}

/**
 * What admins and the search page are told. A record about another model than the configured one (the setting
 * changed and Loupe restarted) says nothing about this one: it counts as available until its own load fails.
 */
export async function embeddingAvailability(db: Pick<Db, 'select'>): Promise<EmbeddingAvailability> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, KEY));
  if (!row) return { available: true };
  const recorded = JSON.parse(row.value) as Recorded;
  if (recorded.model !== configuredModel().id) return { available: true };
  return { available: false, model: recorded.model, message: recorded.message, since: new Date(recorded.since), fix: FIX };
}

const FIX =
  'On a machine without internet, set EMBEDDING_MODEL_DIR to a local copy of the model (the folder holding config.json and onnx/); ' +
  'or set EMBEDDING_MODEL to a model this machine can load. Then restart Loupe: every photo missing from search by meaning is indexed within a minute, with no Retry.';
