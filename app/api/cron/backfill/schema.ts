import { z } from 'zod';
import { selectionFromStrings, selectionQuery } from '@/lib/jobs';

/**
 * GET (how Vercel Cron calls) and POST take the same query: `?limit=500&tag=coats&regenerate&promptVersionBelow=2&dryRun&mode=batch`.
 * Unknown or bad parameters are refused with what was wrong, before anything runs.
 */
export const cronBackfillQuery = selectionQuery.transform((query, ctx) => {
  const parsed = selectionFromStrings(query);
  if (parsed.ok) return parsed;
  ctx.addIssue({ code: 'custom', message: parsed.message });
  return z.NEVER;
});
