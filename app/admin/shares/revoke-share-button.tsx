'use client';

import { useActionState } from 'react';
import { FormAlert } from '@/components/auth/form-alert';
import { SubmitButton } from '@/components/auth/submit-button';
import { EMPTY_FORM } from '@/lib/auth/client';
import { revokeShareAction } from './actions';

export function RevokeShareButton({ shareId, label }: { shareId: string; label: string }) {
  const [state, action] = useActionState(revokeShareAction, EMPTY_FORM);
  return (
    <form action={action} className="flex flex-col items-end gap-1">
      <input type="hidden" name="id" value={shareId} />
      <SubmitButton variant="danger">
        Revoke<span className="sr-only"> {label}</span>
      </SubmitButton>
      <FormAlert message={state.error} />
    </form>
  );
}
