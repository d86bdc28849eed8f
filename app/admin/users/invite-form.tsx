'use client';

import { useActionState } from 'react';
import { FormAlert } from '@/components/auth/form-alert';
import { FormField } from '@/components/auth/form-field';
import { SubmitButton } from '@/components/auth/submit-button';
import type { Role } from '@/db/schema';
import { EMPTY_FORM, refilled } from '@/lib/auth/client';
import { OneTimeSecret } from '../one-time-secret';
import { RoleSelect } from '../role-select';
import { inviteAction } from './actions';

export function InviteForm({ actorRole }: { actorRole: Role }) {
  const [state, action] = useActionState(inviteAction, EMPTY_FORM);
  return (
    <form action={action} className="flex flex-col gap-3 rounded-lg border border-neutral-200 bg-white p-4">
      <h2 className="text-base font-semibold">Invite someone</h2>
      <FormAlert message={state.error} />
      {state.notice && (
        <p
          role={state.notice.tone === 'success' ? 'status' : 'alert'}
          className={`rounded-md border px-3 py-2 text-sm ${state.notice.tone === 'success' ? 'border-emerald-200 bg-emerald-50 text-emerald-900' : 'border-amber-300 bg-amber-50 text-amber-900'}`}
        >
          {state.notice.text}
        </p>
      )}
      {state.secret && <OneTimeSecret label="Invite link" value={state.secret} />}
      <div className="grid gap-3 sm:grid-cols-[1fr_auto_auto] sm:items-end">
        <FormField label="Email" name="email" type="email" defaultValue={refilled(state, 'email')} autoComplete="off" />
        <label className="flex flex-col gap-1 text-sm font-medium text-neutral-800">
          Role
          <RoleSelect actorRole={actorRole} label="Role" defaultValue={refilled(state, 'role', 'viewer')} />
        </label>
        <FormField label="Expires in days" name="expiresInDays" type="number" required={false} defaultValue={refilled(state, 'expiresInDays', '7')} />
      </div>
      <div>
        <SubmitButton>Create invite link</SubmitButton>
      </div>
    </form>
  );
}
