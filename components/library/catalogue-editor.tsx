'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useRef, useState, type Ref } from 'react';
import type { AssetView } from '@/lib/assets';
import { EMPTY_FORM, refilled, type FormState } from '@/lib/auth/client';
import { readApiAnswer } from '@/components/alt';
import { FormAnswer } from '@/components/auth/form-alert';
import { useHydrated } from '@/components/use-hydrated';
import { recordSavedVersion, useAssetVersion } from '@/components/assets/use-asset-version';

type Fields = Pick<AssetView, 'title' | 'sku' | 'collection' | 'tags'>;

const INPUT = 'w-full min-w-0 rounded-md border border-neutral-300 px-2.5 py-1.5 text-sm focus:border-neutral-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-neutral-900';

/** The form's inputs, filled with `values` (field name to text). */
function CatalogueInputs({ values, firstInput }: { values: Record<keyof Fields, string>; firstInput?: Ref<HTMLInputElement> }) {
  return (
    <>
      <label className="flex flex-col gap-1 text-xs font-medium text-neutral-700">
        Title
        <input ref={firstInput} name="title" defaultValue={values.title} maxLength={300} className={INPUT} />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-neutral-700">
        SKU
        <input name="sku" defaultValue={values.sku} maxLength={100} className={INPUT} />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-neutral-700">
        Collection
        <input name="collection" defaultValue={values.collection} maxLength={200} className={INPUT} />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-neutral-700">
        Tags (separated by commas)
        <input name="tags" defaultValue={values.tags} className={INPUT} />
      </label>
    </>
  );
}

const SAVE_BUTTON = 'rounded-md bg-neutral-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-neutral-700 disabled:opacity-60';

/**
 * The asset's catalogue data (title, SKU, collection, tags): shown to everyone, edited by editors. A save
 * carries the version the page loaded, as alt-text edits do, so a concurrent change is reported, not overwritten.
 * With JavaScript, "Edit" opens the form and a save answers in place; without, the form is always there (in
 * <noscript>, so scripted pages never show it) and posts to `saveAction`, the same edit as the API's.
 */
export function CatalogueEditor({
  assetId,
  version: loadedVersion,
  fields: loadedFields,
  canEdit,
  saveAction,
}: {
  assetId: string;
  version: number;
  fields: Fields;
  canEdit: boolean;
  saveAction: (previous: FormState, form: FormData) => Promise<FormState>;
}) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [formState, formAction] = useActionState(saveAction, EMPTY_FORM);
  // What the save answered, shown at once; the page's fresh props take over when its refresh arrives.
  const [fields, setFields] = useState(loadedFields);
  useEffect(() => setFields(loadedFields), [loadedFields]);
  const version = useAssetVersion(assetId, loadedVersion);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'info' | 'error'; text: string } | null>(null);
  const firstInput = useRef<HTMLInputElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const savedData = useRef<HTMLDListElement>(null);
  // After a save the person lands on the saved data (and hears it); after a cancel, back on the Edit button.
  const returnFocusTo = useRef<'data' | 'edit' | null>(null);

  useEffect(() => {
    if (editing) firstInput.current?.focus();
    else if (returnFocusTo.current) {
      (returnFocusTo.current === 'data' ? savedData : editButton).current?.focus();
      returnFocusTo.current = null;
    }
  }, [editing]);

  async function save(form: FormData) {
    setBusy(true);
    setMessage(null);
    const text = (name: string) => String(form.get(name) ?? '');
    const edit = {
      title: text('title'),
      sku: text('sku'),
      collection: text('collection'),
      tags: text('tags')
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
      version,
    };
    const saved = await readApiAnswer<AssetView>(await fetch(`/api/assets/${assetId}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(edit) }));
    setBusy(false);
    if (saved.ok) {
      setFields({ title: saved.value.title, sku: saved.value.sku, collection: saved.value.collection, tags: saved.value.tags });
      recordSavedVersion(assetId, saved.value.alt.version);
      returnFocusTo.current = 'data';
      setEditing(false);
      setMessage({ tone: 'info', text: 'Saved.' });
      router.refresh();
    } else {
      setMessage({ tone: 'error', text: saved.problem.code === 'version_conflict' ? 'Someone changed this asset since you opened it. Reload the page, then edit again.' : saved.problem.message });
    }
  }

  const rows: Array<[string, string]> = [
    ['Title', fields.title ?? '—'],
    ['SKU', fields.sku ?? '—'],
    ['Collection', fields.collection ?? '—'],
    ['Tags', fields.tags.length ? fields.tags.join(', ') : '—'],
  ];

  return (
    <section aria-labelledby="catalogue-heading" className="flex flex-col gap-3 rounded-xl border border-neutral-200 bg-white p-4 shadow-sm">
      <div className="flex items-center justify-between gap-2">
        <h2 id="catalogue-heading" className="text-sm font-semibold uppercase tracking-wide text-neutral-500">
          Catalogue
        </h2>
        {canEdit && hydrated && !editing && (
          <button ref={editButton} type="button" onClick={() => setEditing(true)} className="rounded-md border border-neutral-300 bg-white px-3 py-1 text-sm font-medium hover:bg-neutral-100">
            Edit catalogue data
          </button>
        )}
      </div>
      {editing ? (
        <form
          className="flex flex-col gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            void save(new FormData(event.currentTarget));
          }}
        >
          <CatalogueInputs firstInput={firstInput} values={{ title: fields.title ?? '', sku: fields.sku ?? '', collection: fields.collection ?? '', tags: fields.tags.join(', ') }} />
          <div className="flex gap-2">
            <button type="submit" disabled={busy} className={SAVE_BUTTON}>
              {busy ? 'Saving…' : 'Save'}
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                returnFocusTo.current = 'edit';
                setEditing(false);
              }}
              className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-neutral-100"
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <dl
          ref={savedData}
          tabIndex={-1}
          className="grid grid-cols-[6rem_minmax(0,1fr)] gap-x-3 gap-y-1.5 text-sm rounded-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-neutral-900"
        >
          {rows.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-neutral-500">{label}</dt>
              <dd className="break-words">{value}</dd>
            </div>
          ))}
        </dl>
      )}
      {canEdit && (
        <noscript>
          <form action={formAction} className="flex flex-col gap-2">
            <input type="hidden" name="assetId" value={assetId} />
            <input type="hidden" name="version" value={loadedVersion} />
            <CatalogueInputs
              values={{
                title: refilled(formState, 'title', loadedFields.title ?? ''),
                sku: refilled(formState, 'sku', loadedFields.sku ?? ''),
                collection: refilled(formState, 'collection', loadedFields.collection ?? ''),
                tags: refilled(formState, 'tags', loadedFields.tags.join(', ')),
              }}
            />
            <div>
              <button type="submit" className={SAVE_BUTTON}>
                Save
              </button>
            </div>
          </form>
        </noscript>
      )}
      <FormAnswer state={formState} />
      {message && (
        <p role={message.tone === 'error' ? 'alert' : 'status'} className={`text-sm ${message.tone === 'error' ? 'text-red-700' : 'text-neutral-600'}`}>
          {message.text}
        </p>
      )}
    </section>
  );
}
