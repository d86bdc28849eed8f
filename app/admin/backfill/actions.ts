'use server';

import { revalidatePath } from 'next/cache';
import { after } from 'next/server';
import { getDb } from '@/db/client';
import { guardedForm } from '@/lib/auth';
import { describeDryRun, dryRun, recentRuns, runBackfill, selectionFromStrings } from '@/lib/jobs';
import type { BackfillFormState } from './form-state';

/** A run started from the page works in the background (after the answer) for at most this long; the cron route continues it. */
const ADMIN_RUN_MS = 4 * 60_000;

export async function backfillAction(_previous: BackfillFormState, form: FormData): Promise<BackfillFormState> {
  // `intent` is which button was pressed; every other field is a backfill option, as on the command line.
  return guardedForm('admin', form, async ({ intent, ...options }): Promise<BackfillFormState> => {
    const parsed = selectionFromStrings(options);
    if (!parsed.ok) return { error: parsed.message };
    const db = await getDb();
    // The filters stay filled after a dry run too: "Run now" next runs what the dry run counted.
    if (intent === 'dry-run') return { error: null, lines: describeDryRun(await dryRun(db, parsed.selection)), values: options };

    const running = (await recentRuns(db, 1)).find((run) => run.endedAt === null);
    if (running) return { error: `A backfill run (${running.trigger}) started at ${running.startedAt.toISOString()} is still working.` };
    after(async () => {
      const result = await runBackfill(db, { trigger: 'admin', selection: parsed.selection, mode: parsed.mode, deadline: new Date(Date.now() + ADMIN_RUN_MS) });
      if (result.kind === 'ran') revalidatePath('/admin/backfill');
    });
    const text =
      parsed.mode === 'batch'
        ? "Backfill started through Groq's Batch API. It sends the requests in the background; answers are written as the batches complete (see Batches below)."
        : 'Backfill started. It works in the background; reload this page to follow it under Recent runs.';
    return { error: null, notice: { tone: 'success', text }, values: options };
  });
}
