import { shownStatus, type ShownAsset } from './asset-state';
import { NextTry } from './next-try';

const TONE_CLASSES = {
  neutral: 'bg-neutral-100 text-neutral-700',
  busy: 'bg-amber-50 text-amber-800 ring-1 ring-amber-200',
  waiting: 'bg-orange-50 text-orange-900 ring-1 ring-orange-200',
  ok: 'bg-emerald-50 text-emerald-800 ring-1 ring-emerald-200',
  bad: 'bg-red-50 text-red-800 ring-1 ring-red-200',
} as const;

/**
 * The asset's processing state as a small pill; busy states pulse so a person sees work is going on, failed ones
 * say so, and a step Loupe will try again by itself says when.
 */
export function StateBadge({ asset }: { asset: ShownAsset & { nextTryAt: string | null } }) {
  const { label, tone } = shownStatus(asset);
  return (
    <span className="inline-flex flex-wrap items-center gap-x-1.5 gap-y-0.5">
      <span
        data-state={asset.state}
        data-condition={asset.condition ?? undefined}
        data-failed={asset.condition === 'failed' ? '' : undefined}
        className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${TONE_CLASSES[tone]}`}
      >
        {tone === 'busy' && <span aria-hidden className="h-1.5 w-1.5 animate-pulse rounded-full bg-amber-500" />}
        {label}
      </span>
      {asset.condition === 'retrying' && asset.nextTryAt && <NextTry at={asset.nextTryAt} className="text-xs text-neutral-600" />}
    </span>
  );
}
