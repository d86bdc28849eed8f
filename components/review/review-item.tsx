'use client';

import { useState } from 'react';
import type { ReviewItem } from '@/lib/review';
import { NextTry } from '@/components/assets/next-try';
import { FLAG_LABELS, STATUS_LABELS } from '@/lib/review/client';
import { formatDate } from '@/lib/words';
import { diffWords } from './word-diff';

/** The item under review, large: the vision image, the proposal beside the text it would replace, the context and flags. */
export function ReviewItemView(props: {
  item: ReviewItem;
  decided: string | null;
  maxLength: number;
  editing: boolean;
  onSaveEdit: (text: string) => void;
  onCancelEdit: () => void;
}) {
  const { item } = props;
  const parts = item.text !== null && item.replaces ? diffWords(item.replaces, item.text) : null;
  const length = item.text?.length ?? 0;
  return (
    <article aria-labelledby="review-item-title" className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
      <figure className="flex min-h-48 items-center justify-center overflow-hidden rounded-lg border border-neutral-200 bg-neutral-100">
        {item.image ? (
          <img src={item.image.url} width={item.image.width} height={item.image.height} alt={item.text ?? ''} className="max-h-[40vh] w-auto max-w-full object-contain lg:max-h-[60vh]" />
        ) : (
          <figcaption className="p-6 text-sm text-neutral-600">No preview yet: the image has not been processed.</figcaption>
        )}
      </figure>
      {/* Under 1024 px the text comes before the image, so the proposal is what the reviewer sees beside the actions. */}
      <div className="flex min-w-0 flex-col gap-3 max-lg:order-first">
        <div className="flex flex-wrap items-center gap-2">
          <h2 id="review-item-title" className="min-w-0 break-words text-lg font-semibold">
            {item.title ?? item.filename}
          </h2>
          <span className="rounded bg-neutral-100 px-1.5 py-0.5 text-xs font-medium text-neutral-700">{STATUS_LABELS[item.status]}</span>
          {props.decided && <span className="rounded bg-emerald-100 px-1.5 py-0.5 text-xs font-medium text-emerald-900">{props.decided}</span>}
        </div>
        {props.editing ? (
          <EditBox initial={item.text ?? ''} onSave={props.onSaveEdit} onCancel={props.onCancelEdit} />
        ) : (
          <div className="grid gap-3 sm:grid-cols-2">
            <section aria-label="Proposed text" className="rounded-md border border-neutral-300 bg-white p-3">
              <h3 className="text-xs font-medium uppercase tracking-wide text-neutral-600">
                {item.status === 'gate_rejected' ? 'Refused proposal' : 'Proposed'}
                {item.locale ? ` (${item.locale})` : ''}
              </h3>
              <p lang={item.locale} className="mt-1 break-words text-base leading-relaxed">
                {item.text === null ? <span className="text-neutral-600">No text yet.</span> : parts ? parts.filter((part) => part.kind !== 'removed').map((part, index) => (part.kind === 'added' ? <ins key={index} className="bg-emerald-100 text-emerald-950 underline">{part.text}</ins> : <span key={index}>{part.text}</span>)) : item.text}
              </p>
              <p className={`mt-1 text-xs ${length > props.maxLength ? 'font-medium text-amber-800' : 'text-neutral-600'}`}>
                {length} characters{length > props.maxLength ? ` (over ${props.maxLength})` : ''}
              </p>
            </section>
            {item.sourceText !== undefined ? (
              <section aria-label="Source text" className="rounded-md border border-dashed border-neutral-300 bg-neutral-50 p-3">
                <h3 className="text-xs font-medium uppercase tracking-wide text-neutral-600">Translates (approved source text)</h3>
                <p className="mt-1 break-words text-base leading-relaxed text-neutral-800">
                  {item.sourceText === null ? <span className="text-neutral-600">No approved source text yet: this locale waits for it.</span> : item.sourceText}
                </p>
              </section>
            ) : (
              <section aria-label="Text it would replace" className="rounded-md border border-dashed border-neutral-300 bg-neutral-50 p-3">
                <h3 className="text-xs font-medium uppercase tracking-wide text-neutral-600">Would replace</h3>
                <p className="mt-1 break-words text-base leading-relaxed text-neutral-800">
                  {item.replaces === null ? <span className="text-neutral-600">Nothing: no earlier text.</span> : parts ? parts.filter((part) => part.kind !== 'added').map((part, index) => (part.kind === 'removed' ? <del key={index} className="bg-rose-100 text-rose-950">{part.text}</del> : <span key={index}>{part.text}</span>)) : item.replaces}
                </p>
              </section>
            )}
          </div>
        )}
        {item.reason && (
          <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            {item.stale ? 'Stale: ' : item.status === 'gate_rejected' ? 'The quality gate refused it: ' : item.status === 'retrying' ? 'Not written yet: ' : item.locale ? 'Translation failed: ' : 'Generation failed: '}
            {item.reason}
            {item.nextTryAt && (
              <>
                {' '}
                <NextTry at={item.nextTryAt} />.
              </>
            )}
          </p>
        )}
        {item.flags.length > 0 && (
          <ul aria-label="Flags" className="flex flex-wrap gap-1.5">
            {item.flags.map((flag) => (
              <li key={flag} className="rounded-full border border-amber-300 bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900">
                {FLAG_LABELS[flag]}
              </li>
            ))}
          </ul>
        )}
        <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
          <dt className="text-neutral-600">Title</dt>
          <dd className="break-words">{item.title ?? '—'}</dd>
          <dt className="text-neutral-600">SKU</dt>
          <dd className="break-words">{item.sku ?? '—'}</dd>
          <dt className="text-neutral-600">Tags</dt>
          <dd className="break-words">{item.tags.length ? item.tags.join(', ') : '—'}</dd>
          <dt className="text-neutral-600">File</dt>
          <dd className="break-all">
            {item.filename}
            {item.width && item.height ? ` · ${item.width} × ${item.height} px` : ''}
          </dd>
          <dt className="text-neutral-600">Written by</dt>
          <dd className="break-words">
            {item.provenance.source === 'human' ? `${item.provenance.author ?? 'a person'}` : item.provenance.model ? `${item.provenance.author ?? 'model'} · ${item.provenance.model}` : '—'}
            {item.provenance.promptVersion ? ` · prompt ${item.provenance.promptVersion}` : ''}
            {item.provenance.updatedAt ? ` · ${formatDate(item.provenance.updatedAt)}` : ''}
          </dd>
        </dl>
      </div>
    </article>
  );
}

/** E: the reviewer's own text; Ctrl+Enter (or the button) saves and approves it, Escape cancels. */
function EditBox(props: { initial: string; onSave: (text: string) => void; onCancel: () => void }) {
  const [text, setText] = useState(props.initial);
  const trimmed = text.trim();
  return (
    <form
      className="flex flex-col gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        if (trimmed) props.onSave(trimmed);
      }}
    >
      <label htmlFor="review-edit" className="text-sm font-medium">
        Your alt text (Ctrl+Enter saves and approves, Escape cancels)
      </label>
      <textarea
        id="review-edit"
        autoFocus
        rows={4}
        maxLength={1000}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            if (trimmed) props.onSave(trimmed);
          } else if (event.key === 'Escape') {
            event.preventDefault();
            props.onCancel();
          }
        }}
        className="rounded-md border border-neutral-400 px-2.5 py-2 text-base focus:border-neutral-700 focus:outline-none focus:ring-2 focus:ring-neutral-400"
      />
      <p className="text-xs text-neutral-600">{trimmed.length} characters</p>
      <div className="flex gap-2">
        <button type="submit" disabled={!trimmed} className="rounded-md bg-neutral-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-neutral-700 disabled:opacity-60">
          Save and approve
        </button>
        <button type="button" onClick={props.onCancel} className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-neutral-100">
          Cancel
        </button>
      </div>
    </form>
  );
}
