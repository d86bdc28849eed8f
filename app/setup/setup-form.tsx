'use client';

import { useActionState } from 'react';
import { FormAlert } from '@/components/auth/form-alert';
import { FormField } from '@/components/auth/form-field';
import { SubmitButton } from '@/components/auth/submit-button';
import { EMPTY_FORM, refilled } from '@/lib/auth/client';
import { setupAction } from './actions';

export function SetupForm() {
  const [state, action] = useActionState(setupAction, EMPTY_FORM);
  return (
    <form action={action} className="flex flex-col gap-4">
      <FormAlert message={state.error} />
      <FormField label="Name" name="name" defaultValue={refilled(state, 'name')} autoComplete="name" />
      <FormField label="Email" name="email" type="email" defaultValue={refilled(state, 'email')} autoComplete="email" />
      <FormField label="Password" name="password" type="password" autoComplete="new-password" minLength={12} hint="At least 12 characters." />
      <SubmitButton>Create owner account</SubmitButton>
    </form>
  );
}
