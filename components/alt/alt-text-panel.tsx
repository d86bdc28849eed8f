'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useCallback, useEffect, useRef, useState } from 'react';
import { EMPTY_FORM, refilled, type FormState } from '@/lib/auth/client';
import { FormAnswer } from '@/components/auth/form-alert';
import { useHydrated } from '@/components/use-hydrated';
import { fetchAltDetails, requestRegeneration, saveAltEdit, type AltDetails, type AltEdit, type AltView } from './alt-api';
import { AltEditForm } from './alt-edit-form';
import { AltHistoryList } from './alt-history-list';
import { AltProvenance } from './alt-provenance';
import { NextTry } from '@/components/assets/next-try';
import { usePollWhile } from '@/components/assets/use-poll-while';
import { recordSavedVersion, useAssetVersion } from '@/components/assets/use-asset-version';
import { regenerateBlockedReason } from './regenerate-blocked';

export interface AltTextPanelProps {
  assetId: string;
  /** The asset JSON's `alt` object and `decorative` flag, as the page loaded them. */
  alt: AltView;
  decorative: boolean;
  /** Editors and above may edit, mark decorative and regenerate. */
  canEdit: boolean;
  /** Admins are told how to configure a vision provider when none is. */
  isAdmin: boolean;
  /** Saves a person's text posted without JavaScript: the same edit as PATCH /api/assets/:id. */
  saveAction: (previous: FormState, form: FormData) => Promise<FormState>;
}

type Notice = { tone: 'info' | 'error'; text: string };

const NO_PROVIDER_ADMIN =
  'No vision provider configured: set GROQ_API_KEY (or VISION_BASE_URL and VISION_MODEL for an OpenAI-compatible endpoint such as OpenRouter, Ollama or vLLM) in the environment and restart Loupe. Assets uploaded meanwhile get alt text from the backfill.';
const NO_PROVIDER_OTHERS = 'No vision provider is configured, so alt text is not written automatically. An admin can set one up.';

/** The asset page's alt text: the text and who wrote it, the history, and (for editors) edit, decorative and regenerate. */
export function AltTextPanel({ assetId, alt: loadedAlt, decorative: loadedDecorative, canEdit, isAdmin, saveAction }: AltTextPanelProps) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [formState, formAction] = useActionState(saveAction, EMPTY_FORM);
  const [alt, setAlt] = useState(loadedAlt);
  // The catalogue editor's saves move the asset's version on too: a save here sends the newest.
  const version = useAssetVersion(assetId, alt.version);
  const [decorative, setDecorative] = useState(loadedDecorative);
  const [details, setDetails] = useState<AltDetails | null>(null);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  /** A Regenerate queued and not yet run: the version it started from, to tell a new text from none. */
  const [regenerating, setRegenerating] = useState<{ fromVersion: number } | null>(null);
  // Keyboard and screen-reader users land where they were: on the saved text after a save, on Edit after a cancel.
  const textRef = useRef<HTMLDivElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const returnFocusTo = useRef<'text' | 'edit' | null>(null);
  useEffect(() => {
    if (editing || !returnFocusTo.current) return;
    (returnFocusTo.current === 'text' ? textRef : editButton).current?.focus();
    returnFocusTo.current = null;
  }, [editing]);

  const refresh = useCallback(async () => {
    const loaded = await fetchAltDetails(assetId);
    if (!loaded.ok) return;
    setDetails(loaded.value);
    setAlt(loaded.value.alt);
    setDecorative(loaded.value.decorative);
  }, [assetId]);

  // The page re-renders with fresh props while the asset is processing; follow them, and reload the history.
  useEffect(() => {
    setAlt(loadedAlt);
    setDecorative(loadedDecorative);
    void refresh();
  }, [loadedAlt, loadedDecorative, refresh]);

  async function applyEdit(edit: Omit<AltEdit, 'version'>) {
    setBusy(true);
    setNotice(null);
    const saved = await saveAltEdit(assetId, { ...edit, version });
    setBusy(false);
    if (saved.ok) {
      recordSavedVersion(assetId, saved.value.alt.version);
      setAlt(saved.value.alt);
      setDecorative(saved.value.decorative);
      if (editing) returnFocusTo.current = 'text';
      setEditing(false);
      setNotice({ tone: 'info', text: 'Saved.' });
      router.refresh();
    } else if (saved.problem.code === 'version_conflict' && saved.problem.details?.alt) {
      // Someone (or the model) changed it first: show what it is now; the draft stays in the form, and saving again replaces the new text knowingly.
      setAlt(saved.problem.details.alt);
      setDecorative(saved.problem.details.decorative ?? decorative);
      setNotice({ tone: 'error', text: `${saved.problem.message} Your draft is still in the editor.` });
    } else {
      setNotice({ tone: 'error', text: saved.problem.message });
    }
    await refresh();
  }

  async function regenerate() {
    setBusy(true);
    setNotice(null);
    const result = await requestRegeneration(assetId);
    setBusy(false);
    if (!result.ok) {
      setNotice({ tone: 'error', text: result.problem.message });
      return;
    }
    // Queued (202): the model is asked in the background; follow the alt text until its job has run.
    setRegenerating({ fromVersion: alt.version });
    setNotice({ tone: 'info', text: 'Regenerating: the model is writing a new alt text…' });
  }

  usePollWhile(regenerating !== null, async (signal) => {
    const loaded = await fetchAltDetails(assetId, signal);
    if (!loaded.ok || !regenerating) return;
    setDetails(loaded.value);
    setAlt(loaded.value.alt);
    setDecorative(loaded.value.decorative);
    if (loaded.value.describing) return;
    setRegenerating(null);
    const [newest] = loaded.value.history;
    if (loaded.value.alt.version > regenerating.fromVersion && loaded.value.alt.source === 'ai') setNotice({ tone: 'info', text: 'The model wrote a new alt text.' });
    else if (newest?.event === 'gate_rejected') setNotice({ tone: 'error', text: `The model's answer was not used (${newest.message ?? 'rejected'}); it is kept in the history.` });
    else setNotice({ tone: 'error', text: `No new alt text${loaded.value.alt.lastError ? `: ${loaded.value.alt.lastError}` : ''}. See the history.` });
    router.refresh();
  });

  const providerMissing = details?.provider.configured === false;
  const isDecorative = decorative || alt.status === 'decorative';
  const regenerateBlocked = regenerateBlockedReason(alt, isDecorative, providerMissing);

  return (
    <section aria-labelledby="alt-text-heading" className="flex flex-col gap-3 rounded-xl border border-neutral-200 bg-white p-4 shadow-sm" data-testid="alt-text-panel">
      <h2 id="alt-text-heading" className="text-sm font-semibold uppercase tracking-wide text-neutral-500">
        Alt text
      </h2>

      <div ref={textRef} tabIndex={-1} data-testid="alt-text-current" className="rounded-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-neutral-900">
        {isDecorative ? (
          <p className="text-sm text-neutral-700">Decorative: this image has an empty alt text (alt=&quot;&quot;), so screen readers skip it.</p>
        ) : alt.text ? (
          <p className="text-sm text-neutral-900" data-testid="alt-text">
            {alt.text}
          </p>
        ) : (
          <div className="text-sm text-neutral-500">
            <p>
              No alt text yet{alt.lastError ? `: ${alt.lastError}` : '.'}
              {alt.lastError && alt.attempts > 0 && ` (${alt.attempts} attempt${alt.attempts === 1 ? '' : 's'})`}
            </p>
            {alt.nextTryAt && (
              <p>
                <NextTry at={alt.nextTryAt} />.
              </p>
            )}
            {alt.lastErrorDetail && (
              <details className="mt-1 text-xs" data-admin-detail>
                <summary className="cursor-pointer">Details for admins</summary>
                <p className="mt-1 break-words font-mono">{alt.lastErrorDetail}</p>
              </details>
            )}
          </div>
        )}
      </div>
      <AltProvenance alt={alt} />

      {providerMissing && (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-xs text-amber-900">
          {isAdmin ? NO_PROVIDER_ADMIN : NO_PROVIDER_OTHERS}
        </p>
      )}

      {/* Without JavaScript the buttons could do nothing: the text's form is always there instead, unless the image is decorative. */}
      {canEdit && !isDecorative && (
        <noscript>
          <AltEditForm initialText={refilled(formState, 'altText', loadedAlt.text ?? '')} mode={{ kind: 'post', action: formAction, assetId, version: loadedAlt.version }} />
        </noscript>
      )}
      <FormAnswer state={formState} />

      {canEdit &&
        hydrated &&
        (editing ? (
          <AltEditForm
            initialText={alt.text ?? ''}
            mode={{
              kind: 'script',
              busy,
              onSave: (text) => void applyEdit({ altText: text }),
              onCancel: () => {
                returnFocusTo.current = 'edit';
                setEditing(false);
              },
            }}
          />
        ) : (
          <div className="flex flex-wrap items-center gap-2">
            <button ref={editButton} type="button" onClick={() => setEditing(true)} disabled={busy || isDecorative} className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-neutral-100 disabled:opacity-60">
              {alt.text ? 'Edit' : 'Write alt text'}
            </button>
            <button
              type="button"
              onClick={() => void regenerate()}
              disabled={busy || regenerating !== null || regenerateBlocked !== null}
              aria-describedby={regenerateBlocked ? 'regenerate-blocked' : undefined}
              title={regenerateBlocked ? undefined : 'Ask the model for a new alt text (replaces the AI text)'}
              className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-neutral-100 disabled:opacity-60"
            >
              {regenerating ? 'Regenerating…' : busy ? 'Working…' : 'Regenerate'}
            </button>
            <label className="flex items-center gap-1.5 text-sm text-neutral-700">
              <input type="checkbox" checked={isDecorative} disabled={busy} onChange={(event) => void applyEdit({ decorative: event.target.checked })} />
              Decorative
            </label>
            {regenerateBlocked && (
              <p id="regenerate-blocked" data-regenerate-blocked className="basis-full text-xs text-neutral-600">
                Regenerate is off. {regenerateBlocked}
              </p>
            )}
          </div>
        ))}

      {notice && (
        <p role={notice.tone === 'error' ? 'alert' : 'status'} className={`text-sm ${notice.tone === 'error' ? 'text-red-800' : 'text-emerald-800'}`}>
          {notice.text}
        </p>
      )}

      <details className="text-sm">
        <summary className="cursor-pointer text-neutral-600">History{details ? ` (${details.history.length})` : ''}</summary>
        <div className="mt-2">{details ? <AltHistoryList entries={details.history} /> : <p className="text-xs text-neutral-500">Loading…</p>}</div>
      </details>
    </section>
  );
}
