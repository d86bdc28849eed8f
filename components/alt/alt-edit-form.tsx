'use client';

import { useState } from 'react';

/** The maximum the API accepts for a person's alt text. */
const MAX_LENGTH = 1000;
/** What screen readers and the prompt aim for; longer is allowed for people, but flagged. */
const ADVISED_LENGTH = 200;

/** A person's alt text: a textarea with a length hint, saved with the version it started from. */
export function AltEditForm(props: { initialText: string; busy: boolean; onSave: (text: string) => void; onCancel: () => void }) {
  const [text, setText] = useState(props.initialText);
  const trimmed = text.trim();
  return (
    <form
      className="flex flex-col gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        if (trimmed) props.onSave(trimmed);
      }}
    >
      <label htmlFor="alt-text-input" className="text-xs font-medium text-neutral-700">
        Alt text (one sentence: what the photo shows)
      </label>
      <textarea
        id="alt-text-input"
        name="altText"
        value={text}
        // Editing starts here: the person who pressed Edit is put in the text, ready to type.
        autoFocus
        maxLength={MAX_LENGTH}
        rows={3}
        onChange={(event) => setText(event.target.value)}
        className="rounded-md border border-neutral-300 px-2.5 py-2 text-sm focus:border-neutral-500 focus:outline-none"
      />
      <p className={`text-xs ${trimmed.length > ADVISED_LENGTH ? 'text-amber-700' : 'text-neutral-500'}`}>
        {trimmed.length} characters{trimmed.length > ADVISED_LENGTH ? `: screen-reader users are best served by about ${ADVISED_LENGTH} or fewer` : ''}
      </p>
      <div className="flex gap-2">
        <button type="submit" disabled={props.busy || !trimmed} className="rounded-md bg-neutral-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-neutral-700 disabled:opacity-60">
          {props.busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={props.onCancel} disabled={props.busy} className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-neutral-100">
          Cancel
        </button>
      </div>
    </form>
  );
}
