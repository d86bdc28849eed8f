import { formatDate } from '@/lib/words';
import type { DisplayedHistoryEntry } from './alt-api';

const EVENT_LABELS: Record<string, string> = {
  generated: 'Model wrote',
  gate_rejected: 'Rejected by the quality gate',
  failed: 'Attempt failed',
  human_edit: 'Edited',
  approved: 'Approved',
  rejected: 'Rejected',
  decorative: 'Decorative',
  imported: 'Imported from a CSV file',
};

function who(entry: DisplayedHistoryEntry): string {
  if (entry.user) return entry.user;
  if (entry.provider) return [entry.provider, entry.model, entry.promptVersion && `prompt ${entry.promptVersion}`].filter(Boolean).join(' · ');
  return 'Loupe';
}

function measurements(entry: DisplayedHistoryEntry): string | null {
  const parts = [
    entry.latencyMs !== null && `${entry.latencyMs} ms`,
    entry.inputTokens !== null && `${entry.inputTokens} in / ${entry.outputTokens ?? 0} out tokens`,
    entry.reasoningTokens !== null && `${entry.reasoningTokens} reasoning`,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : null;
}

/**
 * Every change, proposal, rejection and failed attempt, newest first, in words for people; identical failed
 * attempts in a row come folded into one entry ("3 attempts"). The raw detail is only sent to admins.
 */
export function AltHistoryList({ entries }: { entries: DisplayedHistoryEntry[] }) {
  if (entries.length === 0) return <p className="text-xs text-neutral-500">No history yet.</p>;
  return (
    <ol className="flex flex-col gap-2 text-xs">
      {entries.map((entry) => (
        <li key={entry.id} className="rounded-md border border-neutral-100 bg-neutral-50 px-2.5 py-2" data-event={entry.event}>
          <p className="flex flex-wrap justify-between gap-x-2 text-neutral-500">
            <span className="font-medium text-neutral-800">
              {EVENT_LABELS[entry.event] ?? entry.event}
              {entry.event === 'generated' && entry.outcome === 'not_written' && ' (not applied: the text had changed meanwhile)'}
              {entry.attempts > 1 && <span data-attempts={entry.attempts}> · {entry.attempts} attempts</span>}
            </span>
            <span>{formatDate(entry.createdAt)}</span>
          </p>
          {entry.text !== null && entry.text !== '' && <p className="mt-1 text-neutral-800">“{entry.text}”</p>}
          {entry.message && entry.event !== 'human_edit' && <p className="mt-1 text-neutral-600">{entry.message}</p>}
          {entry.detail && (
            <details className="mt-1 text-neutral-500" data-admin-detail>
              <summary className="cursor-pointer">Details for admins</summary>
              <p className="mt-1 break-words font-mono text-[11px]">{entry.detail}</p>
            </details>
          )}
          <p className="mt-1 text-neutral-500">
            {who(entry)}
            {measurements(entry) && ` · ${measurements(entry)}`}
          </p>
        </li>
      ))}
    </ol>
  );
}
