'use client';

import { useActionState } from 'react';
import { FormAlert } from '@/components/auth/form-alert';
import { SubmitButton } from '@/components/auth/submit-button';
import { EMPTY_FORM } from '@/lib/auth/client';
import { revokeInviteAction } from './actions';

export function RevokeInviteButton({ inviteId }: { inviteId: string }) {
  const [state, action] = useActionState(revokeInviteAction, EMPTY_FORM);
  return (
    <form action={action} className="flex flex-col items-end gap-1">
      <input type="hidden" name="id" value={inviteId} />
      <SubmitButton variant="danger">Revoke</SubmitButton>
      <FormAlert message={state.error} />
    </form>
  );
}
