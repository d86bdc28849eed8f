import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { requirePage, listApiTokens } from '@/lib/auth';
import { AdminTabs } from '../admin-tabs';
import { TokenForm } from './token-form';
import { TokensTable } from './tokens-table';

export const metadata: Metadata = { title: 'API tokens' };

export default async function AdminTokensPage() {
  const caller = await requirePage('admin');
  const tokens = await listApiTokens(await getDb());
  return (
    <main className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Admin</h1>
      <AdminTabs current="/admin/tokens" />
      <TokenForm actorRole={caller.role} />
      <section aria-labelledby="tokens-heading" className="rounded-lg border border-neutral-200 bg-white p-4">
        <h2 id="tokens-heading" className="mb-2 text-base font-semibold">
          API tokens
        </h2>
        <p className="mb-3 text-sm text-neutral-600">
          Scripts send a token as <code className="rounded bg-neutral-100 px-1">Authorization: Bearer loupe_…</code>. Also from the
          command line: <code className="rounded bg-neutral-100 px-1">npm run token:create -- --name NAME --role editor</code>.
        </p>
        <TokensTable tokens={tokens} />
      </section>
    </main>
  );
}
