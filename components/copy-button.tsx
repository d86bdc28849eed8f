'use client';

import { useState } from 'react';
import { useHydrated } from './use-hydrated';

/**
 * Copies `value` to the clipboard and says so. Shown only once JavaScript runs (without it the button could do
 * nothing; the text beside it stays selectable), and where the browser refuses (an http origin other than
 * localhost has no clipboard) it says to select the text instead.
 */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const hydrated = useHydrated();
  const [outcome, setOutcome] = useState<'copied' | 'refused' | null>(null);
  if (!hydrated) return null;
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setOutcome('copied');
    } catch {
      setOutcome('refused');
    }
  }
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        onClick={copy}
        aria-label={label}
        className="rounded-md border border-neutral-300 bg-white px-2 py-1 text-xs font-medium text-neutral-800 shadow-sm hover:bg-neutral-100"
      >
        Copy
      </button>
      <span role="status" className="text-xs text-neutral-700">
        {outcome === 'copied' ? 'Copied' : outcome === 'refused' ? 'This browser did not allow copying: select the text and copy it.' : ''}
      </span>
    </span>
  );
}
