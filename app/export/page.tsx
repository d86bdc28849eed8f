import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { requirePage } from '@/lib/auth';
import { countShopifyReady, countShopifyTranslatable, exportFilterSchema } from '@/lib/catalogue';
import { sourceLocale, translatedLocales } from '@/lib/locales';
import { plural } from '@/lib/words';

export const metadata: Metadata = { title: 'Export alt text' };
export const dynamic = 'force-dynamic';

const FIELD = 'flex min-w-0 flex-col gap-1 text-sm font-medium text-neutral-700';
const SELECT = 'w-full min-w-0 rounded-md border border-neutral-300 bg-white px-2.5 py-2 text-sm';

const INPUT = 'w-full min-w-0 rounded-md border border-neutral-300 bg-white px-2.5 py-2 text-sm';

/**
 * A plain GET form: the browser downloads the file the API streams, with or without JavaScript. The filter
 * fields carry the library's URL names, so a library address's query (`/export?tag=summer`) fills them in.
 */
export default async function ExportPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage('viewer');
  const db = await getDb();
  const others = translatedLocales();
  const [shopifyReady, translatable] = await Promise.all([countShopifyReady(db), others.length ? countShopifyTranslatable(db) : 0]);
  const given = Object.fromEntries(Object.entries(await searchParams).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
  const parsed = exportFilterSchema.safeParse(given);
  const filter = parsed.success ? parsed.data : exportFilterSchema.parse({});
  return (
    <main className="mx-auto flex w-full max-w-3xl flex-col gap-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Export alt text</h1>
        <p className="text-sm text-neutral-600">
          Filename, SKU, title, collection, tags, alt text, status, source, model, prompt version and when the text last changed, for the photos the filter matches (the
          library&apos;s filters, by the same names). Cells a spreadsheet would run as a formula are written with a leading apostrophe.
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
              {others.length > 0 && (
                <option value="shopify-translations" disabled={translatable === 0}>
                  Shopify translations CSV, one language other than {sourceLocale()} ({plural(translatable, 'photo')} Shopify can name)
                </option>
              )}
            </select>
          </label>
          {others.length > 0 && (
            <label className={FIELD}>
              Language
              <select name="locale" defaultValue={sourceLocale()} className={SELECT}>
                {[sourceLocale(), ...others].map((locale) => (
                  <option key={locale} value={locale}>
                    {locale}
                    {locale === sourceLocale() ? ' (source)' : ''}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className={FIELD}>
            Alt text status
            <select name="status" defaultValue={filter.status} className={SELECT}>
              <option value="approved">Approved text only (written, imported or approved by a person; decorative photos)</option>
              <option value="all">All photos, including text still waiting for review</option>
              <option value="proposed">Proposed (waiting for review)</option>
              <option value="none">No alt text yet</option>
              <option value="rejected">Rejected</option>
              <option value="decorative">Decorative</option>
            </select>
          </label>
          <label className={FIELD}>
            Search (filename, title or SKU)
            <input type="search" name="q" defaultValue={filter.q ?? ''} maxLength={200} className={INPUT} />
          </label>
          <label className={FIELD}>
            Tag
            <input type="text" name="tag" defaultValue={filter.tag ?? ''} maxLength={100} className={INPUT} />
          </label>
          <label className={FIELD}>
            Collection
            <input type="text" name="collection" defaultValue={filter.collection ?? ''} maxLength={200} className={INPUT} />
          </label>
          <label className={FIELD}>
            Processing
            <select name="state" defaultValue={filter.state ?? ''} className={SELECT}>
              <option value="">Any</option>
              <option value="failed">Failed (a step failed for good)</option>
              <option value="retrying">Retrying by itself</option>
            </select>
          </label>
        </div>
        {filter.product && <input type="hidden" name="product" value={filter.product} />}
        {filter.store && <input type="hidden" name="store" value={filter.store} />}
        {(filter.product || filter.store) && <p className="text-sm text-neutral-600">Only the photos of the product or store filter you came from (the library&apos;s).</p>}
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
