'use client';

import { useRouter } from 'next/navigation';
import { usePollWhile } from './use-poll-while';

/** Re-renders the surrounding server page every few seconds while its asset is still moving through the pipeline. */
export function RefreshWhileProcessing({ processing }: { processing: boolean }) {
  const router = useRouter();
  usePollWhile(processing, async () => router.refresh());
  return null;
}
