'use client';

import { useFormStatus } from 'react-dom';
import { signOutAction } from '@/lib/auth/client';

function Submit() {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={pending}
      className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium text-neutral-700 hover:bg-neutral-100 disabled:opacity-60"
    >
      Sign out
    </button>
  );
}

/** A form, not a fetch: sign-out works before hydration and goes through the action's origin check. */
export function SignOutButton() {
  return (
    <form action={signOutAction}>
      <Submit />
    </form>
  );
}
