'use client';

import { useActionState } from 'react';
import { FormAlert } from '@/components/auth/form-alert';
import { SubmitButton } from '@/components/auth/submit-button';
import type { Role } from '@/db/schema';
import { EMPTY_FORM } from '@/lib/auth/client';
import { RoleSelect } from '../role-select';
import { changeRoleAction, setActiveAction } from './actions';

/** Per-user controls: change role, deactivate or reactivate. The server re-checks every rule. */
export function UserActions({ user, actorRole }: { user: { id: string; name: string; role: Role; active: boolean }; actorRole: Role }) {
  const [roleState, changeRole] = useActionState(changeRoleAction, EMPTY_FORM);
  const [activeState, setActive] = useActionState(setActiveAction, EMPTY_FORM);
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap items-center gap-2">
        <form action={changeRole} className="flex items-center gap-2">
          <input type="hidden" name="id" value={user.id} />
          <RoleSelect actorRole={actorRole} defaultValue={user.role} label={`Role for ${user.name}`} />
          <SubmitButton variant="secondary">Change role</SubmitButton>
        </form>
        <form action={setActive}>
          <input type="hidden" name="id" value={user.id} />
          <input type="hidden" name="active" value={user.active ? 'false' : 'true'} />
          <SubmitButton variant={user.active ? 'danger' : 'secondary'}>{user.active ? 'Deactivate' : 'Reactivate'}</SubmitButton>
        </form>
      </div>
      <FormAlert message={roleState.error ?? activeState.error} />
    </div>
  );
}
