import Link from 'next/link';
import { formatBytes } from '@/components/assets/format';
import type { UploadItem } from './use-upload-queue';

const STATUS_TEXT: Record<UploadItem['status'], string> = {
  queued: 'Waiting',
  hashing: 'Checking for duplicates…',
  uploading: 'Uploading',
  finishing: 'Verifying…',
  processing: 'Stored, checking the file…',
  stored: 'Stored',
  duplicate: 'Already in the library',
  rejected: 'Rejected',
  failed: 'Failed',
  unprocessable: 'Failed',
};

const BAR_CLASSES: Record<UploadItem['status'], string> = {
  queued: 'bg-neutral-300',
  hashing: 'bg-neutral-400',
  uploading: 'bg-sky-600',
  finishing: 'bg-sky-600',
  processing: 'bg-emerald-600',
  stored: 'bg-emerald-600',
  duplicate: 'bg-neutral-400',
  rejected: 'bg-red-600',
  failed: 'bg-red-600',
  unprocessable: 'bg-red-600',
};

/** One file's line in the upload list: name, size, progress bar, where it ended up, and Retry when it failed. */
export function UploadRow({ item, onRetry }: { item: UploadItem; onRetry: () => void }) {
  const percent = Math.round(item.progress * 100);
  const isError = item.status === 'rejected' || item.status === 'failed' || item.status === 'unprocessable';
  return (
    <li data-status={item.status} className="flex flex-col gap-1 px-4 py-2.5">
      <div className="flex items-center gap-3">
        <p className="min-w-0 flex-1 truncate text-sm font-medium" title={item.file.name}>
          {item.file.name}
        </p>
        <span className="shrink-0 text-xs tabular-nums text-neutral-500">{formatBytes(item.file.size)}</span>
      </div>
      <div
        role="progressbar"
        aria-label={`Upload of ${item.file.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-1.5 overflow-hidden rounded-full bg-neutral-100"
      >
        <div className={`h-full rounded-full transition-[width] duration-200 ${BAR_CLASSES[item.status]}`} style={{ width: `${percent}%` }} />
      </div>
      <div className="flex items-center gap-3 text-xs">
        <p className={`min-w-0 flex-1 ${isError ? 'text-red-700' : 'text-neutral-600'}`} data-upload-status>
          <span className="font-medium">{STATUS_TEXT[item.status]}</span>
          {item.status === 'uploading' && <span className="tabular-nums"> {percent}%</span>}
          {item.message && <span>: {item.message}</span>}
        </p>
        {(item.status === 'stored' || item.status === 'unprocessable') && item.assetId && (
          <Link href={`/assets/${item.assetId}`} className="font-medium underline underline-offset-2">
            View
          </Link>
        )}
        {item.status === 'duplicate' && item.duplicateOf && (
          <Link href={`/assets/${item.duplicateOf}`} className="font-medium underline underline-offset-2">
            View existing
          </Link>
        )}
        {item.status === 'failed' && (
          <button type="button" onClick={onRetry} className="rounded border border-neutral-300 bg-white px-2 py-0.5 font-medium hover:bg-neutral-100">
            Retry
          </button>
        )}
      </div>
    </li>
  );
}
