'use server';

import { revalidatePath } from 'next/cache';
import { after } from 'next/server';
import { getDb } from '@/db/client';
import { requireAction } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { describeDryRun, dryRun, recentRuns, runBackfill, selectionFromStrings } from '@/lib/jobs/backfill';
import type { BackfillFormState } from './form-state';

/** A run started from the page works in the background (after the answer) for at most this long; the cron route continues it. */
const ADMIN_RUN_MS = 4 * 60_000;

export async function backfillAction(_previous: BackfillFormState, form: FormData): Promise<BackfillFormState> {
  try {
    await requireAction('admin');
  } catch (error) {
    if (error instanceof ApiError) return { error: error.message };
    throw error;
  }
  const fields = Object.fromEntries([...form].filter(([key, value]) => key !== 'intent' && typeof value === 'string' && value !== '')) as Record<string, string>;
  const parsed = selectionFromStrings(fields);
  if (!parsed.ok) return { error: parsed.message };
  const db = await getDb();
  if (form.get('intent') === 'dry-run') return { error: null, lines: describeDryRun(await dryRun(db, parsed.selection)) };

  const running = (await recentRuns(db, 1)).find((run) => run.endedAt === null);
  if (running) return { error: `A backfill run (${running.trigger}) started at ${running.startedAt.toISOString()} is still working.` };
  after(async () => {
    const result = await runBackfill(db, { trigger: 'admin', selection: parsed.selection, deadline: new Date(Date.now() + ADMIN_RUN_MS) });
    if (result.kind === 'ran') revalidatePath('/admin/backfill');
  });
  return { error: null, notice: 'Backfill started. It works in the background; reload this page to follow it under Recent runs.' };
}
