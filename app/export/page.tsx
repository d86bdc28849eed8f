import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { requirePage } from '@/lib/auth';
import { countShopifyReady } from '@/lib/catalogue';
import { plural } from '@/lib/words';

export const metadata: Metadata = { title: 'Export alt text' };
export const dynamic = 'force-dynamic';

const FIELD = 'flex min-w-0 flex-col gap-1 text-sm font-medium text-neutral-700';
const SELECT = 'w-full min-w-0 rounded-md border border-neutral-300 bg-white px-2.5 py-2 text-sm';

/** A plain GET form: the browser downloads the file the API streams, with or without JavaScript. */
export default async function ExportPage() {
  await requirePage('viewer');
  const shopifyReady = await countShopifyReady(await getDb());
  return (
    <main className="mx-auto flex w-full max-w-3xl flex-col gap-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Export alt text</h1>
        <p className="text-sm text-neutral-600">
          Filename, SKU, title, collection, tags, alt text, status, source, model, prompt version and when the text last changed, for every photo. Cells a spreadsheet would run as
          a formula are written with a leading apostrophe.
        </p>
      </div>
      <form action="/api/exports" method="get" className="flex flex-col gap-4 rounded-xl border border-neutral-200 bg-white p-4 shadow-sm">
        <div className="grid gap-4 sm:grid-cols-2">
          <label className={FIELD}>
            Format
            <select name="format" defaultValue="csv" className={SELECT}>
              <option value="csv">CSV (spreadsheets)</option>
              <option value="jsonl">JSON Lines (one object per line)</option>
              <option value="shopify" disabled={shopifyReady === 0}>
                Shopify product CSV ({plural(shopifyReady, 'photo')} with a known handle)
              </option>
            </select>
          </label>
          <label className={FIELD}>
            Which photos
            <select name="status" defaultValue="approved" className={SELECT}>
              <option value="approved">Approved text only (written, imported or approved by a person; decorative photos)</option>
              <option value="all">All photos, including text still waiting for review</option>
            </select>
          </label>
        </div>
        {shopifyReady === 0 && (
          <p className="text-sm text-neutral-600">The Shopify export needs each photo&apos;s product handle and image address: import Shopify&apos;s product CSV first.</p>
        )}
        <div>
          <button type="submit" className="rounded-md bg-neutral-900 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-neutral-700">
            Download
          </button>
        </div>
      </form>
      <p className="text-sm text-neutral-600">
        Scripts can fetch the same files from <code>GET /api/exports</code>: see the{' '}
        <a href="/api-reference" className="underline underline-offset-2">
          API reference
        </a>
        .
      </p>
    </main>
  );
}
