import type { Role } from '@/db/schema';
import { canManage } from '@/lib/auth';
import type { PublicUser } from '@/lib/auth';
import { formatDate } from '@/lib/words';
import { UserActions } from './user-actions';

/** Everyone with an account. Controls appear only where the signed-in admin may act (never on more senior users). */
export function UsersTable({ users, actor }: { users: PublicUser[]; actor: { userId: string; role: Role } }) {
  return (
    <table className="w-full text-left text-sm max-sm:block">
      <caption className="sr-only">Users</caption>
      <thead className="max-sm:sr-only border-b border-neutral-200 text-xs uppercase tracking-wide text-neutral-500">
        <tr>
          <th className="py-2 pr-4 font-medium">Name</th>
          <th className="py-2 pr-4 font-medium">Email</th>
          <th className="py-2 pr-4 font-medium">Role</th>
          <th className="py-2 pr-4 font-medium">Status</th>
          <th className="py-2 pr-4 font-medium">Joined</th>
          <th className="py-2 font-medium">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="max-sm:block divide-y divide-neutral-100">
        {users.map((user) => (
          <tr key={user.id} data-user-email={user.email} className={`max-sm:block max-sm:py-2 ${user.active ? '' : 'text-neutral-400'}`}>
            <td className="max-sm:block max-sm:py-0.5 py-2 pr-4 font-medium">
              {user.name}
              {user.id === actor.userId && <span className="ml-1 text-xs text-neutral-500">(you)</span>}
            </td>
            <td className="max-sm:block max-sm:py-0.5 py-2 pr-4 break-all">{user.email}</td>
            <td className="max-sm:block max-sm:py-0.5 py-2 pr-4 capitalize">{user.role}</td>
            <td className="max-sm:block max-sm:py-0.5 py-2 pr-4">{user.active ? 'Active' : 'Deactivated'}</td>
            <td className="max-sm:block max-sm:py-0.5 py-2 pr-4 whitespace-nowrap">{formatDate(user.createdAt)}</td>
            <td className="max-sm:block max-sm:py-0.5 py-2">{canManage(actor.role, user.role) && user.id !== actor.userId && <UserActions user={user} actorRole={actor.role} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
