import type { FormState } from '@/lib/auth/client';

/** Where a form's error shows: role="alert", so it is announced, and so tests find it. */
export function FormAlert({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {message}
    </p>
  );
}

/** A form's whole answer: its error, or its notice (a success, announced politely). */
export function FormAnswer({ state }: { state: FormState }) {
  return (
    <>
      <FormAlert message={state.error} />
      {state.notice && (
        <p role={state.notice.tone === 'success' ? 'status' : 'alert'} className={`text-sm ${state.notice.tone === 'success' ? 'text-emerald-800' : 'text-amber-900'}`}>
          {state.notice.text}
        </p>
      )}
    </>
  );
}
