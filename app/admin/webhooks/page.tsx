import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { requirePage } from '@/lib/auth';
import { isUuid } from '@/lib/assets';
import { listDeliveries, listEndpoints, type DeliveryStatus, type DeliveryView, type EndpointView } from '@/lib/webhooks';
import { AdminTabs } from '../admin-tabs';
import { formatDate, plural } from '@/lib/words';
import { EndpointActions, RedeliverButton, WebhookForm } from './webhook-forms';

export const metadata: Metadata = { title: 'Webhooks' };
export const dynamic = 'force-dynamic';

const STATUS_LABEL: Record<DeliveryStatus, string> = {
  pending: 'Queued',
  sending: 'Sending',
  retrying: 'Will retry',
  delivered: 'Delivered',
  failed: 'Failed',
};

const STATUS_STYLE: Record<DeliveryStatus, string> = {
  pending: 'text-neutral-700',
  sending: 'text-neutral-700',
  retrying: 'text-amber-800',
  delivered: 'text-emerald-800',
  failed: 'text-red-700',
};

const when = (iso: string | null, fallback = '—') => formatDate(iso ? new Date(iso) : null, fallback);

function EndpointCard({ endpoint, selected }: { endpoint: EndpointView; selected: boolean }) {
  const { delivered, pending, failed } = endpoint.deliveries;
  return (
    <li className={`flex flex-col gap-2 rounded-lg border bg-white p-4 ${selected ? 'border-neutral-900' : 'border-neutral-200'}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="min-w-0 break-all font-mono text-sm">{endpoint.url}</p>
        <p className={`text-sm font-medium ${endpoint.enabled ? 'text-emerald-800' : 'text-red-700'}`}>{endpoint.enabled ? 'Enabled' : 'Disabled'}</p>
      </div>
      {endpoint.description && <p className="text-sm text-neutral-700">{endpoint.description}</p>}
      {!endpoint.enabled && endpoint.disabledReason && <p className="text-sm text-red-700">Stopped: {endpoint.disabledReason}.</p>}
      <p className="text-xs text-neutral-600">
        Events: {endpoint.events.map((event) => <code key={event} className="mr-1 rounded bg-neutral-100 px-1">{event}</code>)}
      </p>
      <p className="text-xs text-neutral-600">
        {delivered} delivered · {pending} queued or retrying · {failed} failed · added {when(endpoint.createdAt)}
      </p>
      <div className="flex flex-wrap items-start gap-2">
        <Link
          href={`/admin/webhooks?endpoint=${endpoint.id}#deliveries`}
          aria-current={selected ? 'true' : undefined}
          className="rounded-md border border-neutral-300 bg-white px-3 py-2 text-sm font-medium shadow-sm hover:bg-neutral-100"
        >
          Delivery log<span className="sr-only"> of {endpoint.url}</span>
        </Link>
        <EndpointActions id={endpoint.id} url={endpoint.url} enabled={endpoint.enabled} />
      </div>
    </li>
  );
}

function DeliveryLog({ endpoint, deliveries }: { endpoint: EndpointView; deliveries: DeliveryView[] }) {
  return (
    <section id="deliveries" aria-labelledby="deliveries-heading" className="rounded-lg border border-neutral-200 bg-white p-4">
      <h2 id="deliveries-heading" className="mb-1 text-base font-semibold">
        Delivery log
      </h2>
      <p className="mb-3 break-all text-sm text-neutral-600">
        {deliveries.length === 1 ? 'The latest delivery' : `The latest ${plural(deliveries.length, 'delivery', 'deliveries')}`} to <span className="font-mono">{endpoint.url}</span>, newest first. They go out in the background within
        seconds (reload to see); retries follow 5 s, 30 s, 2 min, 10 min, 1 h and 6 h, then the delivery fails and can be redelivered.
      </p>
      {deliveries.length === 0 ? (
        <p className="text-sm text-neutral-500">Nothing sent yet: send a test event.</p>
      ) : (
        <table className="w-full text-left text-sm max-md:block">
          <caption className="sr-only">Deliveries to {endpoint.url}</caption>
          <thead className="max-md:sr-only border-b border-neutral-200 text-xs uppercase tracking-wide text-neutral-500">
            <tr>
              <th className="py-2 pr-3 font-medium">Event</th>
              <th className="py-2 pr-3 font-medium">Status</th>
              <th className="py-2 pr-3 font-medium">HTTP</th>
              <th className="py-2 pr-3 font-medium">Attempts</th>
              <th className="py-2 pr-3 font-medium">Next retry</th>
              <th className="py-2 pr-3 font-medium">Last error</th>
              <th className="py-2 pr-3 font-medium">Duration</th>
              <th className="py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="max-md:block divide-y divide-neutral-100">
            {deliveries.map((delivery) => (
              <tr key={delivery.id} className="max-md:block max-md:py-2 align-top">
                <td className="max-md:block max-md:py-0.5 py-2 pr-3">
                  <code>{delivery.event}</code>
                  <span className="block text-xs text-neutral-500">{when(delivery.createdAt)}</span>
                </td>
                <td className={`max-md:block max-md:py-0.5 py-2 pr-3 font-medium ${STATUS_STYLE[delivery.status]}`}>{STATUS_LABEL[delivery.status]}</td>
                <td className="max-md:block max-md:py-0.5 py-2 pr-3">
                  <span className="md:sr-only">HTTP </span>
                  {delivery.httpStatus ?? '—'}
                </td>
                <td className="max-md:block max-md:py-0.5 py-2 pr-3">
                  <span className="md:sr-only">Attempts: </span>
                  {delivery.attempts}
                </td>
                <td className="max-md:block max-md:py-0.5 py-2 pr-3 whitespace-nowrap">
                  <span className="md:sr-only">Next retry: </span>
                  {when(delivery.nextRetryAt)}
                </td>
                <td className="max-md:block max-md:py-0.5 py-2 pr-3 break-words">{delivery.lastError ?? '—'}</td>
                <td className="max-md:block max-md:py-0.5 py-2 pr-3 whitespace-nowrap">
                  <span className="md:sr-only">Duration: </span>
                  {delivery.durationMs === null ? '—' : `${delivery.durationMs} ms`}
                </td>
                <td className="max-md:block max-md:py-0.5 py-2">
                  {(delivery.status === 'failed' || delivery.status === 'retrying' || delivery.status === 'delivered') && (
                    <RedeliverButton endpointId={endpoint.id} deliveryId={delivery.id} event={delivery.event} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export default async function AdminWebhooksPage({ searchParams }: { searchParams: Promise<{ endpoint?: string | string[] }> }) {
  await requirePage('admin');
  const db = await getDb();
  const endpoints = await listEndpoints(db);
  const wanted = (await searchParams).endpoint;
  const selected = typeof wanted === 'string' && isUuid(wanted) ? endpoints.find((endpoint) => endpoint.id === wanted) : undefined;
  const log = selected ? await listDeliveries(db, selected.id, { limit: 50 }) : null;
  return (
    <main className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Admin</h1>
      <AdminTabs current="/admin/webhooks" />
      <p className="text-sm text-neutral-700">
        Loupe sends events to your systems as signed HTTP POSTs (the Standard Webhooks format: <code>webhook-id</code>, <code>webhook-timestamp</code>,{' '}
        <code>webhook-signature</code> headers and a JSON body of <code>type</code>, <code>timestamp</code> and <code>data</code>).
      </p>
      <WebhookForm />
      <section aria-labelledby="endpoints-heading" className="flex flex-col gap-3">
        <h2 id="endpoints-heading" className="text-base font-semibold">
          Endpoints
        </h2>
        {endpoints.length === 0 ? (
          <p className="text-sm text-neutral-500">No endpoints yet.</p>
        ) : (
          <ul className="flex flex-col gap-3">
            {endpoints.map((endpoint) => (
              <EndpointCard key={endpoint.id} endpoint={endpoint} selected={endpoint.id === selected?.id} />
            ))}
          </ul>
        )}
      </section>
      {selected && log?.ok && <DeliveryLog endpoint={selected} deliveries={log.deliveries} />}
    </main>
  );
}
