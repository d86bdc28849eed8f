'use client';

import { useActionState } from 'react';
import { FormAlert } from '@/components/auth/form-alert';
import { FormField } from '@/components/auth/form-field';
import { SubmitButton } from '@/components/auth/submit-button';
import type { Role } from '@/lib/auth/client';
import { EMPTY_FORM, refilled } from '@/lib/auth/client';
import { OneTimeSecret } from '../one-time-secret';
import { RoleSelect } from '../role-select';
import { createTokenAction } from './actions';

export function TokenForm({ actorRole }: { actorRole: Role }) {
  const [state, action] = useActionState(createTokenAction, EMPTY_FORM);
  return (
    <form action={action} className="flex flex-col gap-3 rounded-lg border border-neutral-200 bg-white p-4">
      <h2 className="text-base font-semibold">Create an API token</h2>
      <FormAlert message={state.error} />
      {state.secret && <OneTimeSecret label="New API token" value={state.secret} />}
      <div className="grid gap-3 sm:grid-cols-[1fr_auto_auto] sm:items-end">
        <FormField label="Token name" name="name" defaultValue={refilled(state, 'name')} autoComplete="off" hint="What uses it, e.g. “PIM sync”." />
        <label className="flex flex-col gap-1 text-sm font-medium text-neutral-800">
          Role
          <RoleSelect actorRole={actorRole} label="Role" defaultValue={refilled(state, 'role', 'editor')} />
        </label>
        <FormField label="Expires in days" name="expiresInDays" type="number" defaultValue={refilled(state, 'expiresInDays')} required={false} hint="Empty: never." />
      </div>
      <div>
        <SubmitButton>Create token</SubmitButton>
      </div>
    </form>
  );
}
