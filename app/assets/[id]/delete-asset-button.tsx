'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

/** Delete with a second, explicit confirmation: the photo goes to the trash, from which it can be restored until it is purged. */
export function DeleteAssetButton({ assetId, filename, trashDays }: { assetId: string; filename: string; trashDays: number }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(`/api/assets/${assetId}`, { method: 'DELETE' });
      if (!response.ok && response.status !== 404) {
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `The server answered HTTP ${response.status}.`);
      }
      router.push('/');
      router.refresh();
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : 'Could not delete the asset.');
      setBusy(false);
    }
  }

  if (!confirming) {
    return (
      <button
        type="button"
        onClick={() => setConfirming(true)}
        className="rounded-md border border-red-200 bg-white px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50"
      >
        Delete
      </button>
    );
  }
  return (
    <div className="flex flex-col gap-2 rounded-md border border-red-200 bg-red-50 p-3 text-sm">
      <p>
        Move <span className="font-medium">{filename}</span> to the trash? It leaves the library at once; you can restore it from the trash for {trashDays} days.
      </p>
      <div className="flex gap-2">
        <button type="button" onClick={() => void remove()} disabled={busy} className="rounded-md bg-red-700 px-3 py-1.5 font-medium text-white hover:bg-red-800 disabled:opacity-60">
          {busy ? 'Moving…' : 'Move to trash'}
        </button>
        <button type="button" onClick={() => setConfirming(false)} disabled={busy} className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 font-medium hover:bg-neutral-100">
          Cancel
        </button>
      </div>
      {error && <p role="alert" className="text-red-800">{error}</p>}
    </div>
  );
}
