'use client';

import { useState } from 'react';
import type { BulkSummary } from '@/lib/library';
import { runBulk, type BulkRequest, type BulkTarget } from './assets-api';

const ACTIONS = [
  { value: 'add_tags', label: 'Add tags', done: 'Tags added' },
  { value: 'remove_tags', label: 'Remove tags', done: 'Tags removed' },
  { value: 'set_collection', label: 'Set collection', done: 'Collection set' },
  { value: 'regenerate', label: 'Regenerate AI alt text', done: 'New alt text asked for' },
  { value: 'decorative', label: 'Mark decorative', done: 'Marked decorative' },
  { value: 'delete', label: 'Move to trash', done: 'Moved to the trash' },
] as const;

type ActionName = (typeof ACTIONS)[number]['value'];

const CONTROL = 'min-w-0 rounded-md border border-neutral-300 bg-white px-2.5 py-1.5 text-sm focus:border-neutral-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-neutral-900';

export interface BulkOutcome {
  summary: BulkSummary;
  label: string;
}

function requestFor(action: ActionName, text: string): BulkRequest | string {
  if (action === 'add_tags' || action === 'remove_tags') {
    const tags = text.split(',').map((tag) => tag.trim()).filter(Boolean);
    return tags.length ? { action, tags } : 'Type one or more tags, separated by commas.';
  }
  if (action === 'set_collection') return { action, collection: text.trim() || null };
  return { action };
}

/**
 * The bar that acts on the selection: pick an action (with its tags or collection), apply, and the parent shows
 * the per-asset answer. Native controls only, so it works from the keyboard and wraps on a phone.
 */
export function BulkBar({
  label,
  target,
  onDone,
  onClear,
}: {
  /** "3 selected" or "All 120 matching selected". */
  label: string;
  target: BulkTarget;
  onDone: (outcome: BulkOutcome) => void;
  onClear: () => void;
}) {
  const [action, setAction] = useState<ActionName>('add_tags');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const needsText = action === 'add_tags' || action === 'remove_tags' || action === 'set_collection';

  async function apply() {
    const request = requestFor(action, text);
    if (typeof request === 'string') {
      setProblem(request);
      return;
    }
    setBusy(true);
    setProblem(null);
    const answer = await runBulk(request, target);
    setBusy(false);
    if (!answer.ok) {
      setProblem(answer.problem.message);
      return;
    }
    setText('');
    onDone({ summary: answer.value, label: ACTIONS.find((entry) => entry.value === action)?.done ?? action });
  }

  return (
    <form
      aria-label="Bulk actions"
      className="flex flex-wrap items-end gap-2 rounded-lg border border-neutral-300 bg-white p-3 shadow-md"
      onSubmit={(event) => {
        event.preventDefault();
        void apply();
      }}
    >
      <p className="w-full text-sm font-medium sm:w-auto sm:self-center" aria-live="polite">
        {label}
      </p>
      <label className="flex min-w-0 flex-col gap-1 text-xs font-medium text-neutral-700">
        Action
        <select value={action} onChange={(event) => setAction(event.target.value as ActionName)} className={CONTROL}>
          {ACTIONS.map((entry) => (
            <option key={entry.value} value={entry.value}>
              {entry.label}
            </option>
          ))}
        </select>
      </label>
      {needsText && (
        <label className="flex min-w-0 flex-1 flex-col gap-1 text-xs font-medium text-neutral-700 sm:flex-none">
          {action === 'set_collection' ? 'Collection (empty clears it)' : 'Tags (separated by commas)'}
          <input value={text} onChange={(event) => setText(event.target.value)} maxLength={2000} className={CONTROL} />
        </label>
      )}
      <button
        type="submit"
        disabled={busy}
        className={`rounded-md px-3 py-1.5 text-sm font-medium text-white shadow-sm disabled:opacity-60 ${action === 'delete' ? 'bg-red-700 hover:bg-red-800' : 'bg-neutral-900 hover:bg-neutral-700'}`}
      >
        {busy ? 'Working…' : 'Apply'}
      </button>
      <button type="button" onClick={onClear} disabled={busy} className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-neutral-100">
        Clear selection
      </button>
      {problem && (
        <p role="alert" className="w-full text-sm text-red-700">
          {problem}
        </p>
      )}
    </form>
  );
}

/** What a bulk action did, asset by asset: counts first, then each one skipped or failed with why. */
export function BulkResults({ outcome, names, onDismiss }: { outcome: BulkOutcome; names: ReadonlyMap<string, string>; onDismiss: () => void }) {
  const { counts, results } = outcome.summary;
  const notDone = results.filter((result) => result.outcome !== 'ok');
  return (
    <section role="status" aria-label="Bulk action results" className="flex flex-col gap-2 rounded-lg border border-neutral-200 bg-white p-3 text-sm shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p>
          <span className="font-medium">{outcome.label}:</span> {counts.ok} done, {counts.skipped} skipped, {counts.failed} failed.
        </p>
        <button type="button" onClick={onDismiss} className="rounded-md border border-neutral-300 bg-white px-2.5 py-1 text-xs font-medium hover:bg-neutral-100">
          Dismiss
        </button>
      </div>
      {notDone.length > 0 && (
        <ul className="flex max-h-48 flex-col gap-1 overflow-y-auto text-neutral-700">
          {notDone.map((result, index) => (
            <li key={`${result.id}-${index}`} className="break-words">
              <span className={result.outcome === 'failed' ? 'font-medium text-red-700' : 'font-medium text-neutral-600'}>{result.outcome === 'failed' ? 'Failed' : 'Skipped'}</span>{' '}
              {names.get(result.id) ?? result.id}: {result.reason}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
