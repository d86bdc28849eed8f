'use client';

import { useActionState } from 'react';
import { FormAnswer } from '@/components/auth/form-alert';
import { SubmitButton } from '@/components/auth/submit-button';
import { EMPTY_FORM, type FormState } from '@/lib/auth/client';
import type { ConflictView } from '@/lib/connections/client';

type Action = (previous: FormState, form: FormData) => Promise<FormState>;

function Choice({ conflict, action, keep, label }: { conflict: ConflictView; action: Action; keep: 'loupe' | 'store'; label: string }) {
  const [state, formAction] = useActionState(action, EMPTY_FORM);
  return (
    <form action={formAction} className="flex flex-col gap-1">
      <input type="hidden" name="connectionId" value={conflict.connectionId} />
      <input type="hidden" name="remoteId" value={conflict.remoteId} />
      <input type="hidden" name="version" value={String(conflict.version)} />
      <input type="hidden" name="keep" value={keep} />
      <SubmitButton variant={keep === 'loupe' ? 'primary' : 'secondary'}>
        {label}
        <span className="sr-only"> for {conflict.filename}</span>
      </SubmitButton>
      <FormAnswer state={state} />
    </form>
  );
}

/** Photos whose text changed both in the shop and in Loupe: both texts side by side, and a person picks one. */
export function StoreConflicts({ conflicts, total, action }: { conflicts: ConflictView[]; total: number; action: Action }) {
  if (!conflicts.length) return null;
  return (
    <section aria-labelledby="conflicts-heading" className="flex flex-col gap-3 rounded-lg border border-amber-200 bg-amber-50 p-4">
      <h2 id="conflicts-heading" className="text-base font-semibold">
        Changed in the shop ({total})
      </h2>
      <p className="text-sm text-neutral-700">Someone edited these texts in the store after Loupe last read them, and Loupe’s changed too. Nothing is written until you pick one.</p>
      <ul className="flex flex-col gap-3">
        {conflicts.map((conflict) => (
          <li key={`${conflict.connectionId}:${conflict.remoteId}`} className="flex flex-col gap-3 rounded-md border border-neutral-200 bg-white p-3 sm:flex-row">
            {conflict.thumbnailUrl && (
              // eslint-disable-next-line @next/next/no-img-element
              <img src={conflict.thumbnailUrl} alt="" className="h-20 w-20 shrink-0 rounded object-cover" />
            )}
            <div className="flex min-w-0 flex-1 flex-col gap-2 text-sm">
              <p className="break-words font-medium">
                <a href={`/assets/${conflict.assetId}`} className="underline">
                  {conflict.filename}
                </a>{' '}
                · {conflict.store}, image {conflict.remoteId}
              </p>
              <div className="grid gap-2 sm:grid-cols-2">
                <div>
                  <p className="text-xs font-medium uppercase tracking-wide text-neutral-500">Loupe’s text</p>
                  <p className="break-words">{conflict.loupeText ?? '(none)'}</p>
                </div>
                <div>
                  <p className="text-xs font-medium uppercase tracking-wide text-neutral-500">The store’s text</p>
                  <p className="break-words">{conflict.storeText || '(empty)'}</p>
                </div>
              </div>
              <div className="flex flex-wrap gap-2">
                <Choice conflict={conflict} action={action} keep="loupe" label="Keep Loupe’s" />
                <Choice conflict={conflict} action={action} keep="store" label="Take the store’s" />
              </div>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
