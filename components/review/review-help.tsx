'use client';

import { useEffect, useRef } from 'react';

const KEYS: Array<[string, string]> = [
  ['A', 'Approve the proposal (or every selected item)'],
  ['E', 'Edit the text; Ctrl+Enter saves and approves, Escape cancels'],
  ['R', 'Reject: back to missing, and a new proposal is queued'],
  ['G', 'Regenerate: ask the model for a new proposal'],
  ['D', 'Decorative: the image needs no description (alt="")'],
  ['S', 'Skip to the next item without deciding'],
  ['J / K', 'Next / previous item'],
  ['X', 'Select the item; Shift+X selects the range from the last one selected'],
  ['Z', 'Undo your last action'],
  ['?', 'Show or hide these keys'],
];

/**
 * The keys, in a native modal dialog that is always in the page and shown or closed as `open` says: the effect
 * only brings the element in line with the prop and has no cleanup that closes it, so React running effects
 * twice in development cannot close what it just opened. Escape closes it natively and `?` through the queue's
 * key handler; either way the dialog's close event reports back, and the browser returns focus to where it was.
 */
export function ReviewHelp(props: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (props.open && !element.open) element.showModal();
    if (!props.open && element.open) element.close();
  }, [props.open]);
  return (
    <dialog
      ref={dialog}
      aria-labelledby="review-help-title"
      onClose={props.onClose}
      // m-auto: Tailwind's reset zeroes the margin the browser centres a modal dialog with.
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-neutral-300 p-5 shadow-xl backdrop:bg-black/40"
    >
      <h2 id="review-help-title" className="text-lg font-semibold">
        Review keys
      </h2>
      <dl className="mt-3 grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1.5 text-sm">
        {KEYS.map(([key, meaning]) => (
          <div key={key} className="contents">
            <dt>
              <kbd className="rounded border border-neutral-300 bg-neutral-50 px-1.5 font-mono text-xs">{key}</kbd>
            </dt>
            <dd>{meaning}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog" className="mt-4">
        <button type="submit" autoFocus className="rounded-md bg-neutral-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-neutral-700">
          Close
        </button>
      </form>
    </dialog>
  );
}
