'use client';

import { useState } from 'react';

/** The maximum the API accepts for a person's alt text. */
const MAX_LENGTH = 1000;
/** What screen readers and the prompt aim for; longer is allowed for people, but flagged. */
const ADVISED_LENGTH = 200;

/**
 * How the form saves: in place with JavaScript (and Cancel closes it), or posted to the server action without
 * (never rendered by React in the browser, so it carries the asset and version as fields, and no Cancel).
 */
export type AltEditMode = { kind: 'script'; busy: boolean; onSave: (text: string) => void; onCancel: () => void } | { kind: 'post'; action: (form: FormData) => void; assetId: string; version: number };

/** A person's alt text: a textarea with a length hint, saved with the version it started from. */
export function AltEditForm({ initialText, mode }: { initialText: string; mode: AltEditMode }) {
  const [text, setText] = useState(initialText);
  const trimmed = text.trim();
  const scripted = mode.kind === 'script';
  const busy = scripted && mode.busy;
  return (
    <form
      className="flex flex-col gap-2"
      action={scripted ? undefined : mode.action}
      onSubmit={(event) => {
        if (!scripted) return;
        event.preventDefault();
        if (trimmed) mode.onSave(trimmed);
      }}
    >
      {!scripted && (
        <>
          <input type="hidden" name="assetId" value={mode.assetId} />
          <input type="hidden" name="version" value={mode.version} />
        </>
      )}
      <label htmlFor="alt-text-input" className="text-xs font-medium text-neutral-700">
        Alt text (one sentence: what the photo shows)
      </label>
      <textarea
        id="alt-text-input"
        name="altText"
        value={text}
        // Editing starts here: the person who pressed Edit is put in the text, ready to type.
        autoFocus={scripted}
        maxLength={MAX_LENGTH}
        rows={3}
        onChange={(event) => setText(event.target.value)}
        className="rounded-md border border-neutral-300 px-2.5 py-2 text-sm focus:border-neutral-500 focus:outline-none"
      />
      <p className={`text-xs ${trimmed.length > ADVISED_LENGTH ? 'text-amber-700' : 'text-neutral-500'}`}>
        {trimmed.length} characters{trimmed.length > ADVISED_LENGTH ? `: screen-reader users are best served by about ${ADVISED_LENGTH} or fewer` : ''}
      </p>
      <div className="flex gap-2">
        <button type="submit" disabled={busy || (scripted && !trimmed)} className="rounded-md bg-neutral-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-neutral-700 disabled:opacity-60">
          {busy ? 'Saving…' : 'Save'}
        </button>
        {scripted && (
          <button type="button" onClick={mode.onCancel} disabled={busy} className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-neutral-100">
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
