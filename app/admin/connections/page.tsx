import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { requirePage } from '@/lib/auth';
import { isUuid } from '@/lib/assets';
import { connectionCoverage, countWritable, listConnections, listRuns, type ConnectionView, type RunView } from '@/lib/connections';
import { CONNECTOR_KINDS, connectorFor, isConnectorKind, type ConnectorKind } from '@/lib/connectors';
import { formatDate, plural } from '@/lib/words';
import { AdminTabs } from '../admin-tabs';
import { ConnectionActions, ConnectionForm, CredentialsForm, ModeForm, UndoRunButton } from './connection-forms';

export const metadata: Metadata = { title: 'Connections' };
export const dynamic = 'force-dynamic';

const when = (iso: string | null, fallback = '—') => formatDate(iso ? new Date(iso) : null, fallback);

const OUTCOME_LABEL: Record<RunView['outcome'], string> = { running: 'Running', done: 'Done', failed: 'Ended with errors', paused: 'Paused' };
const OUTCOME_STYLE: Record<RunView['outcome'], string> = { running: 'text-neutral-700', done: 'text-emerald-800', failed: 'text-red-700', paused: 'text-amber-800' };

function ConnectionCard({ connection, selected, writable, coverage }: { connection: ConnectionView; selected: boolean; writable: number; coverage: { approvedInStore: number; images: number } | undefined }) {
  const paused = connection.status === 'paused';
  return (
    <li className={`flex flex-col gap-3 rounded-lg border bg-white p-4 ${selected ? 'border-neutral-900' : 'border-neutral-200'}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="text-base font-semibold">{connection.name}</h3>
        <p className={`text-sm font-medium ${paused ? 'text-amber-800' : 'text-emerald-800'}`}>{paused ? 'Paused' : 'Active'}</p>
      </div>
      <p className="min-w-0 break-all font-mono text-sm">{connection.url}</p>
      {paused && connection.statusMessage && <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">{connection.statusMessage}</p>}
      <p className="text-xs text-neutral-600">
        {connection.kind} · signed in as {connection.account ?? connection.username} · {plural(connection.images.total, 'photo')} · {connection.images.in_sync} in sync · {connection.images.pending} waiting ·{' '}
        {connection.images.conflict} in conflict · {connection.images.failed} failed · last synced {when(connection.lastSyncedAt, 'never')}
      </p>
      {coverage && (
        <p className="text-sm text-neutral-700">
          Coverage: {coverage.approvedInStore.toLocaleString('en-US')} of {plural(coverage.images, 'photo')} have approved alt text in the store.
        </p>
      )}
      <ConnectionActions id={connection.id} name={connection.name} paused={paused} writable={writable} />
      <ModeForm id={connection.id} mode={connection.writebackMode} />
      <details className="text-sm">
        <summary className="cursor-pointer font-medium">Replace the credentials</summary>
        <div className="mt-2">
          <CredentialsForm id={connection.id} username={connection.username} fields={isConnectorKind(connection.kind) ? connectorFor(connection.kind).form.credentials : []} />
        </div>
      </details>
      <Link
        href={`/admin/connections?connection=${connection.id}#log`}
        aria-current={selected ? 'true' : undefined}
        className="self-start rounded-md border border-neutral-300 bg-white px-3 py-2 text-sm font-medium shadow-sm hover:bg-neutral-100"
      >
        Log<span className="sr-only"> of {connection.name}</span>
      </Link>
    </li>
  );
}

function RunLog({ connection, runs }: { connection: ConnectionView; runs: RunView[] }) {
  return (
    <section id="log" aria-labelledby="log-heading" className="rounded-lg border border-neutral-200 bg-white p-4">
      <h2 id="log-heading" className="mb-1 text-base font-semibold">
        Log of {connection.name}
      </h2>
      <p className="mb-3 text-sm text-neutral-600">Syncs and writebacks, newest first. They run in the background; reload to follow them.</p>
      {runs.length === 0 ? (
        <p className="text-sm text-neutral-500">Nothing yet: sync the store.</p>
      ) : (
        <ul className="flex flex-col divide-y divide-neutral-100">
          {runs.map((run) => (
            <li key={run.id} className="flex flex-col gap-1 py-2 text-sm">
              <p>
                <span className="font-medium">{run.kind === 'sync' ? 'Sync' : 'Writeback'}</span> · started {when(run.startedAt)} ·{' '}
                <span className={`font-medium ${OUTCOME_STYLE[run.outcome]}`}>{OUTCOME_LABEL[run.outcome]}</span>
                {run.endedAt && <> · ended {when(run.endedAt)}</>}
              </p>
              <p className="text-xs text-neutral-600">
                {run.kind === 'sync'
                  ? `${run.counts.seen} seen · ${run.counts.created} new · ${run.counts.linked} already in the library · ${run.counts.updated} alt texts taken from the store · ${run.counts.conflicts} conflicts · ${run.counts.failed} failed`
                  : `${run.counts.written} written · ${run.counts.conflicts} conflicts · ${run.counts.failed} failed`}
              </p>
              {run.errors.length > 0 && (
                <ul className="list-disc pl-5 text-xs text-red-700">
                  {run.errors.map((error, index) => (
                    <li key={index} className="break-words">
                      {error.remoteId ? `Image ${error.remoteId}: ` : ''}
                      {error.message} <code>({error.code})</code>
                    </li>
                  ))}
                </ul>
              )}
              {run.kind === 'writeback' && run.counts.written > 0 && run.outcome !== 'running' && <UndoRunButton id={connection.id} runId={run.id} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** One kind's form at a time, chosen by a link (?kind=), so the page works without JavaScript. */
function KindChooser({ current }: { current: ConnectorKind }) {
  return (
    <nav aria-label="Kind of store" className="flex flex-wrap gap-2 text-sm">
      {CONNECTOR_KINDS.map((kind) => (
        <Link
          key={kind}
          href={`/admin/connections?kind=${kind}`}
          aria-current={kind === current ? 'page' : undefined}
          className={`rounded-md border px-3 py-1.5 font-medium ${kind === current ? 'border-neutral-900 bg-neutral-900 text-white' : 'border-neutral-300 bg-white hover:bg-neutral-100'}`}
        >
          {connectorFor(kind).label}
        </Link>
      ))}
    </nav>
  );
}

export default async function AdminConnectionsPage({ searchParams }: { searchParams: Promise<{ connection?: string | string[]; kind?: string | string[] }> }) {
  await requirePage('admin');
  const db = await getDb();
  const connections = await listConnections(db);
  const coverage = await connectionCoverage(db);
  const writable = new Map(await Promise.all(connections.map(async (connection) => [connection.id, await countWritable(db, connection.id)] as const)));
  const { connection: wanted, kind: wantedKind } = await searchParams;
  const kind = typeof wantedKind === 'string' && isConnectorKind(wantedKind) ? wantedKind : CONNECTOR_KINDS[0];
  const selected = typeof wanted === 'string' && isUuid(wanted) ? connections.find((connection) => connection.id === wanted) : undefined;
  const runs = selected ? await listRuns(db, selected.id) : null;
  return (
    <main className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Admin</h1>
      <AdminTabs current="/admin/connections" />
      <p className="text-sm text-neutral-700">
        A connected store’s photos come into the library with their products and alt text; approved alt text goes back to the store. Loupe never overwrites text someone changed in the
        shop: such photos wait in the review queue as conflicts.
      </p>
      {CONNECTOR_KINDS.length > 1 && <KindChooser current={kind} />}
      <ConnectionForm key={kind} kind={kind} label={connectorFor(kind).label} fields={connectorFor(kind).form.connect} />
      <section aria-labelledby="connections-heading" className="flex flex-col gap-3">
        <h2 id="connections-heading" className="text-base font-semibold">
          Stores
        </h2>
        {connections.length === 0 ? (
          <p className="text-sm text-neutral-500">No stores connected yet.</p>
        ) : (
          <ul className="flex flex-col gap-3">
            {connections.map((connection) => (
              <ConnectionCard
                key={connection.id}
                connection={connection}
                selected={connection.id === selected?.id}
                writable={writable.get(connection.id) ?? 0}
                coverage={coverage.find((entry) => entry.connectionId === connection.id)}
              />
            ))}
          </ul>
        )}
      </section>
      {selected && runs && <RunLog connection={selected} runs={runs} />}
    </main>
  );
}
