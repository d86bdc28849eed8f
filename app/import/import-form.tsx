'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useRef, useState, useTransition, type FormEvent } from 'react';
import { readApiAnswer } from '@/components/alt';
import { FormAlert } from '@/components/auth/form-alert';
import type { GroupBy, ImportField, PlanSummary, SkippedRow, SkipReason, TagMode } from '@/lib/catalogue';
import { plural } from '@/lib/words';
import { applyImportAction } from './actions';
import { EMPTY_IMPORT_FORM } from './form-state';

/** What the page made on the server: the kept file, its preview, or why there is none. */
export interface ImportPreview {
  kept: { digest: string; filename: string } | null;
  plan: PlanSummary | null;
  error: string | null;
}

const FIELDS: Array<{ field: ImportField; label: string; query: string }> = [
  { field: 'filename', label: 'Filename (or image URL)', query: 'column_filename' },
  { field: 'sku', label: 'SKU', query: 'column_sku' },
  { field: 'title', label: 'Title', query: 'column_title' },
  { field: 'collection', label: 'Collection', query: 'column_collection' },
  { field: 'tags', label: 'Tags', query: 'column_tags' },
  { field: 'altText', label: 'Alt text', query: 'column_alt_text' },
  { field: 'handle', label: 'Shopify handle', query: 'column_handle' },
];

const FIELD_NAMES: Record<string, string> = { sku: 'SKU', title: 'Title', collection: 'Collection', tags: 'Tags', altText: 'Alt text', handle: 'Handle', imageSrc: 'Image address' };

/** Each reason a row will not apply, as the collapsed list names it (with its count). */
const REASON_NAMES: Record<SkipReason, string> = {
  no_match: 'no photo has this filename or SKU',
  no_key: 'no filename and no SKU',
  ambiguous: 'more than one photo matches',
  duplicate_key: 'the same photo on two rows',
  same_asset: 'two rows match one photo',
  bad_value: 'a value too long',
  formula: 'a cell a spreadsheet would run as a formula',
  bad_row: 'the wrong number of cells',
  changed_since_preview: 'the photo changed since the preview',
  not_alt_text: "not a photo's alt text (another Shopify resource)",
  unknown_locale: 'a language Loupe is not set up for',
  untranslated: 'no translated content',
};

const TAG_MODE_CHOICES: Array<{ mode: TagMode; label: string; hint: string }> = [
  { mode: 'merge', label: 'Add to the tags a photo has', hint: 'tags people added stay' },
  { mode: 'replace', label: "Replace a photo's tags", hint: "the file's tags become its only tags" },
];

const GROUP_BY_CHOICES: Array<{ groupBy: GroupBy; label: string; hint: string }> = [
  { groupBy: 'handle', label: 'By handle', hint: "Shopify's product CSV: one product per handle, in Image Position order" },
  { groupBy: 'sku', label: 'By SKU', hint: 'one product per SKU, in the order of the rows' },
  { groupBy: 'none', label: 'Not at all', hint: 'photos stay in the products they are in' },
];

const SECONDARY_BUTTON = 'rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium text-neutral-800 shadow-sm hover:bg-neutral-100 disabled:opacity-60';

/**
 * Choose a file, check the preview (and the column mapping, and the tag mode), then apply. Three plain forms, so
 * the page works without JavaScript: the file is posted to POST /api/imports/files, which keeps it on the server
 * and sends the browser to this page's preview of it; the columns and tag mode are a GET form back to this page;
 * "Apply" is a server action naming the kept file and the preview by their digests. With JavaScript the same
 * forms are sent without page loads, and choosing a file or changing a choice previews at once.
 */
export function ImportForm({ preview }: { preview: ImportPreview }) {
  const router = useRouter();
  const [navigating, startNavigation] = useTransition();
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [state, applyAction, applying] = useActionState(applyImportAction, EMPTY_IMPORT_FORM);
  const summary = useRef<HTMLHeadingElement>(null);
  const busy = uploading || navigating || applying;
  const { kept, plan } = preview;
  // Shopify's translations file has no columns to map and no tags: its rows name a photo, a language and a text.
  const translations = plan?.format === 'shopify-translations';
  const done = state.applied;

  // A new preview (the page keys this form by its address) takes the focus, so it is read next.
  useEffect(() => {
    if (plan) summary.current?.focus();
  }, [plan]);

  async function upload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setUploading(true);
    setUploadError(null);
    const answer = await readApiAnswer<{ file: { digest: string } }>(await fetch(form.action, { method: 'POST', body: new FormData(form), headers: { accept: 'application/json' } }));
    setUploading(false);
    if (answer.ok) startNavigation(() => router.push(`/import?file=${answer.value.file.digest}`));
    else setUploadError(answer.problem.message);
  }

  function previewAgain(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(event.currentTarget)) if (typeof value === 'string') query.append(name, value);
    startNavigation(() => router.push(`/import?${query}`));
  }

  return (
    <div className="flex flex-col gap-5">
      <form
        action="/api/imports/files"
        method="post"
        encType="multipart/form-data"
        onSubmit={(event) => void upload(event)}
        className="flex flex-col gap-2 rounded-xl border border-neutral-200 bg-white p-4 shadow-sm"
      >
        <label htmlFor="import-file" className="text-sm font-medium">
          CSV file
        </label>
        <div className="flex flex-wrap items-center gap-2">
          <input
            id="import-file"
            name="file"
            type="file"
            required
            accept=".csv,text/csv"
            disabled={busy}
            onChange={(event) => {
              if (event.currentTarget.files?.length) event.currentTarget.form?.requestSubmit();
            }}
            className="max-w-full text-sm file:mr-3 file:rounded-md file:border file:border-neutral-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-neutral-900"
          />
          <button type="submit" disabled={busy} className={SECONDARY_BUTTON}>
            Preview
          </button>
        </div>
        {kept && !done && <p className="text-sm break-words text-neutral-600">Previewing {kept.filename} (kept on the server for an hour, for you alone).</p>}
        {busy && (
          <p role="status" className="text-sm text-neutral-600">
            {applying ? 'Applying…' : 'Reading the file…'}
          </p>
        )}
        <FormAlert message={uploadError ?? (done ? null : preview.error)} />
      </form>

      {done && (
        <section role="status" className="flex flex-col gap-2 rounded-xl border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-900">
          <h2 className="font-semibold">Imported</h2>
          <p>
            {plural(done.applied, 'photo')} updated from {plural(done.totalRows, 'row')}; {done.unchangedCount} already matched; {plural(done.notApplied, 'row')} not applied.
          </p>
          {done.conflicts.length > 0 && <SkippedList rows={done.conflicts} />}
          <p>
            <a href="/import" className="underline underline-offset-2">
              Import another file
            </a>
          </p>
        </section>
      )}

      {plan && kept && !done && (
        <>
          <form action="/import" method="get" onSubmit={previewAgain} className="flex flex-col gap-5">
            <input type="hidden" name="file" value={kept.digest} />
            {translations ? (
              <p className="text-sm text-neutral-600">Read as Shopify&apos;s translations CSV: each photo alt row&apos;s Translated content becomes that language&apos;s alt text.</p>
            ) : (
              <>
                <section className="flex flex-col gap-3 rounded-xl border border-neutral-200 bg-white p-4 shadow-sm">
                  <h2 className="text-sm font-semibold uppercase tracking-wide text-neutral-500">Columns</h2>
                  <p className="text-sm text-neutral-600">{plan.format === 'shopify' ? "Read as Shopify's product CSV." : 'Read as a plain CSV.'} Change which column feeds each field:</p>
                  <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
                    {FIELDS.map(({ field, label, query }) => (
                      <label key={field} className="flex min-w-0 flex-col gap-1 text-xs font-medium text-neutral-700">
                        {label}
                        <select
                          name={query}
                          defaultValue={plan.mapping[field] ?? ''}
                          disabled={busy}
                          onChange={(event) => event.currentTarget.form?.requestSubmit()}
                          className="w-full min-w-0 rounded-md border border-neutral-300 bg-white px-2 py-1.5 text-sm"
                        >
                          <option value="">(not imported)</option>
                          {plan.header.map((name) => (
                            <option key={name} value={name}>
                              {name}
                            </option>
                          ))}
                        </select>
                      </label>
                    ))}
                  </div>
                </section>

                <fieldset className="flex flex-col gap-2 rounded-xl border border-neutral-200 bg-white p-4 shadow-sm">
                  <legend className="px-1 text-sm font-semibold uppercase tracking-wide text-neutral-500">Tags</legend>
                  {TAG_MODE_CHOICES.map(({ mode, label, hint }) => (
                    <label key={mode} className="flex items-start gap-2 text-sm">
                      <input
                        type="radio"
                        name="tag_mode"
                        value={mode}
                        defaultChecked={plan.tagMode === mode}
                        disabled={busy}
                        onChange={(event) => event.currentTarget.form?.requestSubmit()}
                        className="mt-0.5 h-4 w-4"
                      />
                      <span>
                        {label} <span className="text-neutral-600">({hint})</span>
                      </span>
                    </label>
                  ))}
                  <div>
                    <button type="submit" disabled={busy} className={SECONDARY_BUTTON}>
                      Preview again
                    </button>
                  </div>
                </fieldset>
              </>
            )}

            <fieldset className="flex flex-col gap-2 rounded-xl border border-neutral-200 bg-white p-4 shadow-sm">
              <legend className="px-1 text-sm font-semibold uppercase tracking-wide text-neutral-500">Group photos into products</legend>
              {GROUP_BY_CHOICES.map(({ groupBy, label, hint }) => (
                <label key={groupBy} className="flex items-start gap-2 text-sm">
                  <input
                    type="radio"
                    name="group_by"
                    value={groupBy}
                    defaultChecked={plan.groupBy === groupBy}
                    disabled={busy}
                    onChange={(event) => event.currentTarget.form?.requestSubmit()}
                    className="mt-0.5 h-4 w-4"
                  />
                  <span>
                    {label} <span className="text-neutral-600">({hint})</span>
                  </span>
                </label>
              ))}
            </fieldset>
          </form>

          <section className="flex flex-col gap-3 rounded-xl border border-neutral-200 bg-white p-4 shadow-sm">
            <h2 ref={summary} tabIndex={-1} className="text-base font-semibold focus:outline-none">
              {plural(plan.totalRows, 'row')}: {plan.changeCount} will change a photo, {plan.unchangedCount} already {plan.unchangedCount === 1 ? 'matches' : 'match'}, {plan.skippedCount} will not apply
            </h2>
            {plan.groupedPhotos > 0 && (
              <p className="text-sm text-neutral-700">
                {plural(plan.groupedPhotos, 'photo')} grouped into {plural(plan.productCount, 'product')} (by {plan.groupBy === 'sku' ? 'SKU' : 'handle'}
                {plan.products.some((product) => product.productId === null) ? `; ${plural(plan.products.filter((product) => product.productId === null).length, 'new product')} made on applying` : ''}).
              </p>
            )}
            {!translations && <p className="text-sm text-neutral-700">{plan.tagMode === 'merge' ? "Tags from the file are added to each photo's own tags." : "Tags from the file replace each photo's tags."}</p>}
            <form action={applyAction} className="flex flex-col gap-2">
              <input type="hidden" name="file" value={kept.digest} />
              <input type="hidden" name="confirm" value={plan.digest} />
              <input type="hidden" name="tag_mode" value={plan.tagMode} />
              <input type="hidden" name="group_by" value={plan.groupBy} />
              {/* The plan's whole mapping: a field left out here is one the preview did not import. */}
              {FIELDS.filter(({ field }) => plan.mapping[field]).map(({ field, query }) => (
                <input key={field} type="hidden" name={query} value={plan.mapping[field]} />
              ))}
              <FormAlert message={state.error} />
              <div className="flex flex-wrap gap-2">
                <button
                  type="submit"
                  disabled={busy || plan.changeCount === 0}
                  className="rounded-md bg-neutral-900 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-neutral-700 disabled:opacity-60"
                >
                  {applying ? 'Working…' : `Apply ${plural(plan.changeCount, 'change')}`}
                </button>
              </div>
            </form>
            {plan.changes.length > 0 && (
              <div>
                <h3 className="mb-1 text-sm font-semibold">Changes</h3>
                <ul className="flex flex-col divide-y divide-neutral-100 text-sm" aria-label="Changes">
                  {plan.changes.map((change) => (
                    <li key={change.row} className="py-1.5">
                      <p className="font-medium break-words">
                        Row {change.row}: {change.filename}
                      </p>
                      <ul className="text-neutral-700">
                        {Object.entries(change.changes).flatMap(([field, value]) =>
                          value ? [
                            <li key={field} className="break-words">
                              {FIELD_NAMES[field] ?? `Alt text (${field.replace(/^altText:/, '')})`}: {value.from === null ? <em>empty</em> : `“${value.from}”`} → “{value.to}”
                            </li>,
                          ] : [],
                        )}
                        {change.product && (
                          <li className="break-words">
                            Product: “{plan.products.find((product) => product.key.toLowerCase() === change.product?.key)?.title ?? change.product.key}”, photo at position {change.product.position + 1}
                            {change.product.position === 0 ? ' (main image)' : ''}
                          </li>
                        )}
                      </ul>
                    </li>
                  ))}
                </ul>
                {plan.changeCount > plan.changes.length && <p className="text-xs text-neutral-600">The first {plan.listLimit} are listed.</p>}
              </div>
            )}
            {plan.skipped.length > 0 && (
              <details className="rounded-md border border-neutral-200 p-2">
                <summary className="cursor-pointer text-sm font-semibold">{plural(plan.skippedCount, 'row')} will not apply</summary>
                <ul aria-label="Not applied, by reason" className="mt-1 text-sm text-neutral-700">
                  {(Object.entries(plan.skippedByReason) as Array<[SkipReason, number]>).sort((a, b) => b[1] - a[1]).map(([reason, count]) => (
                    <li key={reason}>
                      {count}: {REASON_NAMES[reason]}
                    </li>
                  ))}
                </ul>
                <SkippedList rows={plan.skipped} />
                {plan.skippedCount > plan.skipped.length && <p className="text-xs text-neutral-600">The first {plan.listLimit} are listed.</p>}
              </details>
            )}
          </section>
        </>
      )}
    </div>
  );
}

function SkippedList({ rows }: { rows: SkippedRow[] }) {
  return (
    <ul className="flex flex-col divide-y divide-neutral-100 text-sm" aria-label="Rows not applied">
      {rows.map((row) => (
        <li key={`${row.row}-${row.reason}`} className="py-1.5 break-words">
          <span className="font-medium">Row {row.row}</span>
          {row.key ? ` (${row.key})` : ''}: {row.message}
        </li>
      ))}
    </ul>
  );
}
