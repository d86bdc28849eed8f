import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { requirePage } from '@/lib/auth';
import { listShares } from '@/lib/shares';
import { formatDate } from '@/lib/words';
import { AdminTabs } from '../admin-tabs';
import { RevokeShareButton } from './revoke-share-button';

export const metadata: Metadata = { title: 'Share links' };
export const dynamic = 'force-dynamic';

const STATUS = { active: 'Active', expired: 'Expired', revoked: 'Revoked' } as const;

/** Every share link anyone made, newest first, with who made it, what it shows, until when, and Revoke. */
export default async function AdminSharesPage() {
  const caller = await requirePage('admin');
  const shares = await listShares(await getDb(), caller);
  return (
    <main className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Admin</h1>
      <AdminTabs current="/admin/shares" />
      <section aria-labelledby="shares-heading" className="rounded-lg border border-neutral-200 bg-white p-4">
        <h2 id="shares-heading" className="mb-2 text-base font-semibold">
          Share links
        </h2>
        <p className="mb-3 text-sm text-neutral-600">
          Links made from the library (select photos, then Share) open without an account. Revoking one stops it at once; photos already opened from it stay visible for at most
          ten minutes.
        </p>
        {shares.length === 0 ? (
          <p className="text-sm text-neutral-600">No share links yet.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-neutral-600">
                <tr>
                  <th scope="col" className="py-2 pr-3 font-medium">What</th>
                  <th scope="col" className="py-2 pr-3 font-medium">Made by</th>
                  <th scope="col" className="py-2 pr-3 font-medium">Made</th>
                  <th scope="col" className="py-2 pr-3 font-medium">Expires</th>
                  <th scope="col" className="py-2 pr-3 font-medium">Downloads</th>
                  <th scope="col" className="py-2 pr-3 font-medium">Status</th>
                  <th scope="col" className="py-2 font-medium"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {shares.map((share) => (
                  <tr key={share.id} className="border-t border-neutral-200">
                    <td className="py-2 pr-3">{share.label}</td>
                    <td className="py-2 pr-3">{share.createdBy}</td>
                    <td className="py-2 pr-3">{formatDate(share.createdAt)}</td>
                    <td className="py-2 pr-3">{formatDate(share.expiresAt)}</td>
                    <td className="py-2 pr-3">{share.allowDownload ? 'Allowed' : 'View only'}</td>
                    <td className="py-2 pr-3">{STATUS[share.status]}</td>
                    <td className="py-2 text-right">{share.status === 'active' && <RevokeShareButton shareId={share.id} label={share.label} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
