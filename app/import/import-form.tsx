'use client';

import { useRef, useState } from 'react';
import { readApiAnswer } from '@/components/alt';
import type { ColumnMapping, ImportField, ImportPlan, SkippedRow, SkipReason, TagMode } from '@/lib/catalogue';
import { plural } from '@/lib/words';

type PlanAnswer = ImportPlan & { mode: 'preview' | 'applied'; listLimit: number; applied?: number; conflicts?: SkippedRow[] };

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
};

const TAG_MODE_CHOICES: Array<{ mode: TagMode; label: string; hint: string }> = [
  { mode: 'merge', label: 'Add to the tags a photo has', hint: 'tags people added stay' },
  { mode: 'replace', label: "Replace a photo's tags", hint: "the file's tags become its only tags" },
];

/** `mapping` null: let the server detect the columns (a new file); otherwise it is the whole mapping, unmapped fields as ''. */
async function sendImport(file: File, mapping: ColumnMapping | null, tagMode: TagMode, confirm?: string) {
  const query = new URLSearchParams(confirm ? { mode: 'apply', confirm } : { mode: 'preview' });
  query.set('tag_mode', tagMode);
  if (mapping) for (const { field, query: name } of FIELDS) query.set(name, mapping[field] ?? '');
  return readApiAnswer<PlanAnswer>(await fetch(`/api/imports?${query}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: file }));
}

/** Choose a file, check the preview (and the column mapping), then confirm. */
export function ImportForm() {
  const [file, setFile] = useState<File | null>(null);
  const [plan, setPlan] = useState<PlanAnswer | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<PlanAnswer | null>(null);
  /** The person's choice, shown at once; the preview under it says which mode it was made with. */
  const [tagMode, setTagMode] = useState<TagMode>('merge');
  const summary = useRef<HTMLHeadingElement>(null);

  async function preview(chosen: File, mapping: ColumnMapping | null, tagMode: TagMode) {
    setBusy(true);
    setError(null);
    setDone(null);
    const answer = await sendImport(chosen, mapping, tagMode);
    setBusy(false);
    if (answer.ok) {
      setPlan(answer.value);
      requestAnimationFrame(() => summary.current?.focus());
    } else {
      setPlan(null);
      setError(answer.problem.message);
    }
  }

  async function apply() {
    if (!file || !plan) return;
    setBusy(true);
    setError(null);
    const answer = await sendImport(file, plan.mapping, plan.tagMode, plan.digest);
    setBusy(false);
    if (answer.ok) {
      setDone(answer.value);
      setPlan(null);
    } else setError(answer.problem.message);
  }

  return (
    <div className="flex flex-col gap-5">
      <section className="flex flex-col gap-2 rounded-xl border border-neutral-200 bg-white p-4 shadow-sm">
        <label htmlFor="import-file" className="text-sm font-medium">
          CSV file
        </label>
        <input
          id="import-file"
          type="file"
          accept=".csv,text/csv"
          disabled={busy}
          onChange={(event) => {
            const chosen = event.target.files?.[0] ?? null;
            setFile(chosen);
            setPlan(null);
            if (chosen) void preview(chosen, null, tagMode);
          }}
          className="max-w-full text-sm file:mr-3 file:rounded-md file:border file:border-neutral-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-neutral-900"
        />
        {busy && <p role="status" className="text-sm text-neutral-600">Reading the file…</p>}
        {error && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </p>
        )}
      </section>

      {done && (
        <section role="status" className="rounded-xl border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-900">
          <h2 className="font-semibold">Imported</h2>
          <p>
            {plural(done.applied ?? 0, 'photo')} updated from {plural(done.totalRows, 'row')}; {done.unchangedCount} already matched; {plural(done.skippedCount + (done.conflicts?.length ?? 0), 'row')} not applied.
          </p>
          {done.conflicts && done.conflicts.length > 0 && <SkippedList rows={done.conflicts} />}
        </section>
      )}

      {plan && file && (
        <>
          <section className="flex flex-col gap-3 rounded-xl border border-neutral-200 bg-white p-4 shadow-sm">
            <h2 className="text-sm font-semibold uppercase tracking-wide text-neutral-500">Columns</h2>
            <p className="text-sm text-neutral-600">{plan.format === 'shopify' ? "Read as Shopify's product CSV." : 'Read as a plain CSV.'} Change which column feeds each field:</p>
            <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
              {FIELDS.map(({ field, label }) => (
                <label key={field} className="flex min-w-0 flex-col gap-1 text-xs font-medium text-neutral-700">
                  {label}
                  <select
                    value={plan.mapping[field] ?? ''}
                    disabled={busy}
                    onChange={(event) => void preview(file, { ...plan.mapping, [field]: event.target.value }, tagMode)}
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
                  name="tag-mode"
                  value={mode}
                  checked={tagMode === mode}
                  disabled={busy}
                  onChange={() => {
                    setTagMode(mode);
                    void preview(file, plan.mapping, mode);
                  }}
                  className="mt-0.5 h-4 w-4"
                />
                <span>
                  {label} <span className="text-neutral-600">({hint})</span>
                </span>
              </label>
            ))}
          </fieldset>

          <section className="flex flex-col gap-3 rounded-xl border border-neutral-200 bg-white p-4 shadow-sm">
            <h2 ref={summary} tabIndex={-1} className="text-base font-semibold focus:outline-none">
              {plural(plan.totalRows, 'row')}: {plan.changeCount} will change a photo, {plan.unchangedCount} already {plan.unchangedCount === 1 ? 'matches' : 'match'}, {plan.skippedCount} will not apply
            </h2>
            <p className="text-sm text-neutral-700">{plan.tagMode === 'merge' ? "Tags from the file are added to each photo's own tags." : "Tags from the file replace each photo's tags."}</p>
            <div className="flex flex-wrap gap-2">
              <button
                type="button"
                onClick={() => void apply()}
                disabled={busy || plan.changeCount === 0}
                className="rounded-md bg-neutral-900 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-neutral-700 disabled:opacity-60"
              >
                {busy ? 'Working…' : `Apply ${plural(plan.changeCount, 'change')}`}
              </button>
            </div>
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
                        {Object.entries(change.changes).map(([field, value]) => (
                          <li key={field} className="break-words">
                            {FIELD_NAMES[field]}: {value.from === null ? <em>empty</em> : `“${value.from}”`} → “{value.to}”
                          </li>
                        ))}
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
