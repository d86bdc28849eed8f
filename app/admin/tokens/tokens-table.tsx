import type { PublicApiToken } from '@/lib/auth';
import { formatDate } from '@/lib/words';
import { RevokeTokenButton } from './revoke-token-button';

function status(token: PublicApiToken, now: Date): string {
  if (token.revokedAt) return `Revoked ${formatDate(token.revokedAt)}`;
  if (token.expiresAt && token.expiresAt <= now) return 'Expired';
  return 'Active';
}

/** Every API token with its role, creator, expiry and last use; never the token itself (Loupe has only its hash). */
export function TokensTable({ tokens, now = new Date() }: { tokens: PublicApiToken[]; now?: Date }) {
  if (tokens.length === 0) return <p className="text-sm text-neutral-500">No API tokens yet.</p>;
  return (
    <table className="w-full text-left text-sm max-sm:block">
      <caption className="sr-only">API tokens</caption>
      <thead className="max-sm:sr-only border-b border-neutral-200 text-xs uppercase tracking-wide text-neutral-500">
        <tr>
          <th className="py-2 pr-4 font-medium">Name</th>
          <th className="py-2 pr-4 font-medium">Role</th>
          <th className="py-2 pr-4 font-medium">Created by</th>
          <th className="py-2 pr-4 font-medium">Expires</th>
          <th className="py-2 pr-4 font-medium">Last used</th>
          <th className="py-2 pr-4 font-medium">Status</th>
          <th className="py-2 font-medium">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="max-sm:block divide-y divide-neutral-100">
        {tokens.map((token) => {
          const state = status(token, now);
          return (
            <tr key={token.id} className={`max-sm:block max-sm:py-2 ${state === 'Active' ? '' : 'text-neutral-400'}`}>
              <td className="max-sm:block max-sm:py-0.5 py-2 pr-4 font-medium">{token.name}</td>
              <td className="max-sm:block max-sm:py-0.5 py-2 pr-4 capitalize">{token.role}</td>
              <td className="max-sm:block max-sm:py-0.5 py-2 pr-4">{token.createdByName ?? 'server'}</td>
              <td className="max-sm:block max-sm:py-0.5 py-2 pr-4 whitespace-nowrap">{formatDate(token.expiresAt, 'never')}</td>
              <td className="max-sm:block max-sm:py-0.5 py-2 pr-4 whitespace-nowrap">{formatDate(token.lastUsedAt, 'never')}</td>
              <td className="max-sm:block max-sm:py-0.5 py-2 pr-4">{state}</td>
              <td className="max-sm:block max-sm:py-0.5 py-2">{state === 'Active' && <RevokeTokenButton tokenId={token.id} name={token.name} />}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
