import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { requirePage } from '@/lib/auth';
import { recentBatches } from '@/lib/alt';
import { config } from '@/lib/config';
import { altCoverage, providerStatuses, recentRuns } from '@/lib/jobs';
import { AdminTabs } from '../admin-tabs';
import { formatDate, plural } from '@/lib/words';
import { BackfillForm } from './backfill-form';

export const metadata: Metadata = { title: 'Backfill' };

const COVERAGE = [
  ['approved', 'Approved'],
  ['proposed', 'Proposed by AI'],
  ['human', 'Written by a person'],
  ['missing', 'Missing'],
  ['retrying', 'Retrying'],
  ['failed', 'Failed'],
  ['decorative', 'Decorative'],
] as const;

export default async function AdminBackfillPage() {
  await requirePage('admin');
  const db = await getDb();
  const [coverage, providers, runs, batches] = await Promise.all([altCoverage(db), providerStatuses(db), recentRuns(db), recentBatches(db)]);
  return (
    <main className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Admin</h1>
      <AdminTabs current="/admin/backfill" />

      <section aria-labelledby="coverage-heading" className="rounded-lg border border-neutral-200 bg-white p-4">
        <h2 id="coverage-heading" className="mb-3 text-base font-semibold">
          Alt-text coverage <span className="font-normal text-neutral-500">({coverage.total} photos)</span>
        </h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-7">
          {COVERAGE.map(([key, label]) => (
            <div key={key} className="rounded-md bg-neutral-50 p-3" data-testid={`coverage-${key}`}>
              <dt className="text-xs text-neutral-600">{label}</dt>
              <dd className="text-xl font-semibold">{coverage[key]}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="provider-heading" className="rounded-lg border border-neutral-200 bg-white p-4">
        <h2 id="provider-heading" className="mb-2 text-base font-semibold">
          Vision provider
        </h2>
        {providers.length === 0 ? (
          <p className="text-sm text-neutral-600">No calls made yet.</p>
        ) : (
          <ul className="space-y-2 text-sm">
            {providers.map((p) => (
              <li key={p.provider}>
                <span className="font-medium">{p.provider}</span>:{' '}
                {p.blockedUntil ? (
                  <span className="text-red-700">
                    blocked until {formatDate(p.blockedUntil)}: {p.reason}
                  </span>
                ) : (
                  <span>available</span>
                )}
                <span className="text-neutral-600">
                  {' '}
                  · {plural(p.callsToday, 'call')} today
                  {p.remainingRequests !== null && ` · ${plural(p.remainingRequests, 'request')} and ${p.remainingTokens === null ? 'unknown tokens' : plural(p.remainingTokens, 'token')} left in the provider's window`}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <BackfillForm defaultMode={config().backfill.mode} />

      <section aria-labelledby="batches-heading" className="rounded-lg border border-neutral-200 bg-white p-4">
        <h2 id="batches-heading" className="mb-2 text-base font-semibold">
          Batches
        </h2>
        {batches.length === 0 ? (
          <p className="text-sm text-neutral-600">
            None sent. With the Batch API mode (or <code>BACKFILL_MODE=batch</code>), a run sends its requests to Groq&apos;s Batch API at half the price and they are answered within a day.
          </p>
        ) : (
          <ul className="space-y-2 text-sm">
            {batches.map((batch) => (
              <li key={batch.id} data-testid="alt-batch">
                <span className="font-medium">{formatDate(batch.createdAt)}</span>: {batch.status.replace('_', ' ')} · {plural(batch.lines, 'photo')} · {batch.completedLines} answered
                {batch.failedLines > 0 && `, ${batch.failedLines} failed or expired`} · {batch.model}
                {batch.message && <p className={batch.status === 'refused' ? 'text-red-700' : 'text-neutral-600'}>{batch.message}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="runs-heading" className="rounded-lg border border-neutral-200 bg-white p-4">
        <h2 id="runs-heading" className="mb-2 text-base font-semibold">
          Recent runs
        </h2>
        {runs.length === 0 ? (
          <p className="text-sm text-neutral-600">No runs yet. <code>npm run backfill</code>, the cron route or “Run now” start one.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs text-neutral-600">
                <tr>
                  <th className="py-1 pr-3 font-medium">Started</th>
                  <th className="py-1 pr-3 font-medium">By</th>
                  <th className="py-1 pr-3 font-medium">Selected</th>
                  <th className="py-1 pr-3 font-medium">Written</th>
                  <th className="py-1 pr-3 font-medium">Failed</th>
                  <th className="py-1 pr-3 font-medium">Tokens in / out</th>
                  <th className="py-1 pr-3 font-medium">Cost</th>
                  <th className="py-1 pr-3 font-medium">Ended</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((run) => (
                  <tr key={run.id} className="border-t border-neutral-100" data-testid="backfill-run">
                    <td className="py-1 pr-3 whitespace-nowrap">{formatDate(run.startedAt)}</td>
                    <td className="py-1 pr-3">{run.trigger}</td>
                    <td className="py-1 pr-3">{run.selected}</td>
                    <td className="py-1 pr-3">{run.written}</td>
                    <td className="py-1 pr-3">
                      {Object.entries(run.failed)
                        .map(([kind, count]) => `${kind} ${count}`)
                        .join(', ') || '0'}
                    </td>
                    <td className="py-1 pr-3 whitespace-nowrap">
                      {run.inputTokens} / {run.outputTokens}
                    </td>
                    <td className="py-1 pr-3">${run.costUsd.toFixed(4)}</td>
                    <td className="py-1 pr-3 whitespace-nowrap">{run.endedAt ? `${formatDate(run.endedAt)}: ${run.stopReason}` : 'running…'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
