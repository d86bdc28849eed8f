import { z } from 'zod';
import { integer, text } from '@/lib/text-input';

/**
 * What a backfill run selects, shared by the CLI's flags, the cron route's query and body and the admin page:
 * one schema, so each entry point refuses the same bad input with the same message.
 */

const promptVersion = text()
  .regex(/^(?:alt-v)?\d+$/, 'a prompt version such as alt-v2 (or just 2)')
  .transform((value) => Number(value.replace(/^alt-v/, '')));

export const backfillSelection = z
  .object({
    regenerate: z.boolean().default(false),
    /** With regenerate: AI text written by a prompt version below this one. */
    promptVersionBelow: promptVersion.optional(),
    /** With regenerate: AI text written by a model other than this one. */
    model: text().trim().min(1).max(200).optional(),
    tag: text().trim().min(1).max(100).optional(),
    /** Only assets uploaded on or after this date (YYYY-MM-DD or an ISO time). */
    since: z.iso.datetime({ offset: true }).or(z.iso.date()).transform((value) => new Date(value)).optional(),
    limit: integer(1, 10_000_000).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (!value.regenerate && (value.promptVersionBelow !== undefined || value.model !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['regenerate'], message: '--prompt-version-below and --model choose what to regenerate: add --regenerate' });
    }
    if (value.regenerate && value.promptVersionBelow === undefined && value.model === undefined) {
      ctx.addIssue({ code: 'custom', path: ['regenerate'], message: '--regenerate needs --prompt-version-below and/or --model to say which AI text to redo' });
    }
  });

export type BackfillSelection = z.output<typeof backfillSelection>;
export type BackfillSelectionInput = z.input<typeof backfillSelection>;

const flag = z.enum(['true', 'false', '1', '0', '']).optional();

/** The same selection as strings (CLI flags, a GET query): booleans as bare flags or true/false, numbers as digits. */
const selectionStringFields = {
  regenerate: flag,
  promptVersionBelow: text().optional(),
  model: text().optional(),
  tag: text().optional(),
  since: text().optional(),
  limit: text().regex(/^\d+$/, 'a whole number').optional(),
  dryRun: flag,
  /** online or batch (Groq's Batch API); BACKFILL_MODE when absent. */
  mode: z.enum(['online', 'batch'], { error: 'online (paced calls now) or batch (Groq\'s Batch API, half price)' }).optional(),
};

const selectionStrings = z.object(selectionStringFields).strict();

/** The options as a route's query string: unknown ones pass through, for selectionFromStrings to name them. */
export const selectionQuery = z.object(selectionStringFields).catchall(text());

export type ParsedRequest = { ok: true; selection: BackfillSelection; dryRun: boolean; mode?: 'online' | 'batch' } | { ok: false; message: string };

const on = (value: string | undefined) => value === 'true' || value === '1' || value === '';

export function selectionFromStrings(input: Record<string, string | undefined>): ParsedRequest {
  const strings = selectionStrings.safeParse(input);
  if (!strings.success) return { ok: false, message: firstIssue(strings.error) };
  const { regenerate, limit, dryRun, mode, ...rest } = strings.data;
  const selection = backfillSelection.safeParse({ ...rest, regenerate: on(regenerate), ...(limit === undefined ? {} : { limit: Number(limit) }) });
  if (!selection.success) return { ok: false, message: firstIssue(selection.error) };
  return { ok: true, selection: selection.data, dryRun: on(dryRun), ...(mode ? { mode } : {}) };
}

export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue.code === 'unrecognized_keys') return `unknown option${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
  return `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
}
