'use client';

import { useActionState } from 'react';
import { FormAlert } from '@/components/auth/form-alert';
import { backfillAction } from './actions';
import { refilled } from '@/lib/auth/client';
import { EMPTY_BACKFILL_FORM } from './form-state';

const field = 'rounded-md border border-neutral-300 px-2 py-1.5 text-sm';

/**
 * Filters and the mode (online calls now, or Groq's Batch API at half price; BACKFILL_MODE preselected), then
 * "Dry run" (counts, tokens, both prices, time; no model call) or "Run now" (in the background).
 */
export function BackfillForm({ defaultMode }: { defaultMode: 'online' | 'batch' }) {
  const [state, action, pending] = useActionState(backfillAction, EMPTY_BACKFILL_FORM);
  const mode = refilled(state, 'mode') || defaultMode;
  return (
    <form action={action} className="flex flex-col gap-3 rounded-lg border border-neutral-200 bg-white p-4" aria-labelledby="run-heading">
      <h2 id="run-heading" className="text-base font-semibold">
        Run the backfill
      </h2>
      <FormAlert message={state.error} />
      <div className="grid gap-3 sm:grid-cols-3">
        <label className="flex flex-col gap-1 text-sm font-medium text-neutral-800">
          Tag
          <input name="tag" defaultValue={refilled(state, 'tag')} className={field} autoComplete="off" />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-neutral-800">
          Uploaded since
          <input name="since" type="date" defaultValue={refilled(state, 'since')} className={field} />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-neutral-800">
          At most (assets)
          <input name="limit" type="number" min={1} defaultValue={refilled(state, 'limit')} className={field} />
        </label>
      </div>
      <label className="flex flex-col gap-1 text-sm font-medium text-neutral-800 sm:max-w-md">
        Mode
        {/* Keyed by the choice: the form's reset after a dry run restores a select to its first default otherwise. */}
        <select key={mode} name="mode" defaultValue={mode} className={field}>
          <option value="online">Online: paced calls now, full price</option>
          <option value="batch">Groq&apos;s Batch API: half price, answers within a day</option>
        </select>
      </label>
      <div className="flex flex-wrap gap-2">
        <button type="submit" name="intent" value="dry-run" disabled={pending} className="rounded-md border border-neutral-300 bg-white px-3 py-2 text-sm font-medium text-neutral-800 shadow-sm hover:bg-neutral-100 disabled:opacity-60">
          Dry run
        </button>
        <button type="submit" name="intent" value="run" disabled={pending} className="rounded-md bg-neutral-900 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-neutral-700 disabled:opacity-60">
          Run now
        </button>
      </div>
      <div aria-live="polite">
        {state.lines && (
          <ul data-testid="dry-run" className="list-disc space-y-1 pl-5 text-sm text-neutral-700">
            {state.lines.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
        {state.notice && <p role="status" className="text-sm text-green-800">{state.notice.text}</p>}
      </div>
    </form>
  );
}
