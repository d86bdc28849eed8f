import { canGrant, ROLES_BY_RANK, type Role } from '@/lib/auth/client';

/** A role picker offering only the roles the signed-in admin may grant. */
export function RoleSelect({ actorRole, name = 'role', defaultValue = 'viewer', label }: { actorRole: Role; name?: string; defaultValue?: string; label: string }) {
  return (
    <select
      // React applies a select's defaultValue only when it mounts: a new default (the role sent back with a
      // form's error, or the user's new role) mounts a new select, and the form's reset then lands on it.
      key={defaultValue}
      name={name}
      aria-label={label}
      defaultValue={defaultValue}
      className="rounded-md border border-neutral-300 bg-white px-2 py-1.5 text-sm capitalize"
    >
      {ROLES_BY_RANK.filter((role) => canGrant(actorRole, role)).map((role) => (
        <option key={role} value={role}>
          {role}
        </option>
      ))}
    </select>
  );
}
