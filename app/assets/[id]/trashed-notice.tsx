'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { restoreFromTrash } from '@/components/library/assets-api';
import type { TrashEntry } from '@/lib/library';
import { formatDate } from '@/lib/words';

/** A trashed photo's page: when and by whom it was deleted, until when it can come back, Restore for editors. */
export function TrashedNotice({ entry, canRestore }: { entry: TrashEntry; canRestore: boolean }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function restore() {
    setBusy(true);
    const answer = await restoreFromTrash([entry.id]);
    const result = answer.ok ? answer.value.results[0] : null;
    if (result?.outcome === 'ok') {
      router.refresh();
      return;
    }
    setBusy(false);
    setProblem(answer.ok ? (result?.reason ?? 'It could not be restored.') : answer.problem.message);
  }

  return (
    <main className="mx-auto flex max-w-xl flex-col items-start gap-3 rounded-xl border border-neutral-200 bg-white p-6 shadow-sm">
      <h1 className="break-words text-xl font-semibold">{entry.filename} was deleted</h1>
      <p className="text-sm text-neutral-700">
        It was moved to the trash on {formatDate(entry.deletedAt)}{entry.deletedBy ? ` by ${entry.deletedBy}` : ''}. It can be restored until{' '}
        {formatDate(entry.purgeAt)}; then it and its files are removed for good.
      </p>
      <div className="flex flex-wrap gap-2">
        {canRestore && (
          <button type="button" onClick={() => void restore()} disabled={busy} className="rounded-md bg-neutral-900 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-neutral-700 disabled:opacity-60">
            {busy ? 'Restoring…' : 'Restore'}
          </button>
        )}
        <Link href="/" className="rounded-md border border-neutral-300 bg-white px-4 py-2 text-sm font-medium shadow-sm hover:bg-neutral-100">
          Back to the library
        </Link>
        {canRestore && (
          <Link href="/trash" className="rounded-md border border-neutral-300 bg-white px-4 py-2 text-sm font-medium shadow-sm hover:bg-neutral-100">
            Open the trash
          </Link>
        )}
      </div>
      {problem && (
        <p role="alert" className="text-sm text-red-700">
          {problem}
        </p>
      )}
    </main>
  );
}
