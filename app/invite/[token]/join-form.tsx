'use client';

import { useActionState } from 'react';
import { FormAlert } from '@/components/auth/form-alert';
import { FormField } from '@/components/auth/form-field';
import { SubmitButton } from '@/components/auth/submit-button';
import { EMPTY_FORM, refilled } from '@/lib/auth/client';
import { joinAction } from './actions';

export function JoinForm({ token }: { token: string }) {
  const [state, action] = useActionState(joinAction, EMPTY_FORM);
  return (
    <form action={action} className="flex flex-col gap-4">
      <FormAlert message={state.error} />
      <input type="hidden" name="token" value={token} />
      <FormField label="Name" name="name" defaultValue={refilled(state, 'name')} autoComplete="name" />
      <FormField label="Password" name="password" type="password" autoComplete="new-password" minLength={12} hint="At least 12 characters." />
      <SubmitButton>Join Loupe</SubmitButton>
    </form>
  );
}
