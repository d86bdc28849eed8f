'use client';

import { useActionState } from 'react';
import { FormAlert } from '@/components/auth/form-alert';
import { FormField } from '@/components/auth/form-field';
import { SubmitButton } from '@/components/auth/submit-button';
import { EMPTY_FORM, refilled } from '@/lib/auth/client';
import { signInAction } from './actions';

export function SignInForm() {
  const [state, action] = useActionState(signInAction, EMPTY_FORM);
  return (
    <form action={action} className="flex flex-col gap-4">
      <FormAlert message={state.error} />
      <FormField label="Email" name="email" type="email" defaultValue={refilled(state, 'email')} autoComplete="username" />
      <FormField label="Password" name="password" type="password" autoComplete="current-password" />
      <SubmitButton>Sign in</SubmitButton>
    </form>
  );
}
