'use client';

import { useActionState } from 'react';
import { FormAlert } from '@/components/auth/form-alert';
import { SubmitButton } from '@/components/auth/submit-button';
import { EMPTY_FORM } from '@/lib/auth/client';
import { revokeTokenAction } from './actions';

export function RevokeTokenButton({ tokenId, name }: { tokenId: string; name: string }) {
  const [state, action] = useActionState(revokeTokenAction, EMPTY_FORM);
  return (
    <form action={action} className="flex flex-col items-end gap-1">
      <input type="hidden" name="id" value={tokenId} />
      <SubmitButton variant="danger">
        Revoke<span className="sr-only"> {name}</span>
      </SubmitButton>
      <FormAlert message={state.error} />
    </form>
  );
}
