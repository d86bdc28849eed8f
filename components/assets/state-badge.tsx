import type { AssetState } from '@/db/schema';
import { shownState, stateLabel, stateTone } from './asset-state';

const TONE_CLASSES = {
  neutral: 'bg-neutral-100 text-neutral-700',
  busy: 'bg-amber-50 text-amber-800 ring-1 ring-amber-200',
  ok: 'bg-emerald-50 text-emerald-800 ring-1 ring-emerald-200',
  bad: 'bg-red-50 text-red-800 ring-1 ring-red-200',
} as const;

/** The asset's processing state as a small pill; busy states pulse so a person sees work is going on, failed ones say so. */
export function StateBadge({ asset }: { asset: { state: AssetState; failed: boolean } }) {
  const state = shownState(asset);
  const tone = stateTone(state);
  return (
    <span data-state={state} data-failed={asset.failed ? '' : undefined} className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${TONE_CLASSES[tone]}`}>
      {tone === 'busy' && <span aria-hidden className="h-1.5 w-1.5 animate-pulse rounded-full bg-amber-500" />}
      {stateLabel(state)}
    </span>
  );
}
