'use client';

import { useId, useState } from 'react';
import { Dropzone } from './dropzone';
import { UploadRow } from './upload-row';
import { ACTIVE_STATUSES, useUploadQueue, type UploadItem } from './use-upload-queue';
import { plural } from '@/lib/words';

/** The file types the server accepts; the chooser offers these, the server still sniffs the real type. */
const ACCEPT = 'image/jpeg,image/png,image/webp,image/avif,image/tiff,image/gif,image/heic,image/heif,image/bmp,video/mp4,video/quicktime,video/webm,.heic,.heif,.bmp,.mp4,.mov,.webm';

function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((tag) => tag.trim()).filter(Boolean))];
}

function summarise(items: UploadItem[]) {
  const count = (status: UploadItem['status']) => items.filter((item) => item.status === status).length;
  return {
    active: items.filter((item) => item.status === 'queued' || ACTIVE_STATUSES.has(item.status)).length,
    stored: count('stored'),
    duplicate: count('duplicate'),
    rejected: count('rejected'),
    failed: count('failed'),
    unprocessable: count('unprocessable'),
  };
}

/** The upload page's working part: a dropzone and the list of files with their progress and outcome. */
export function Uploader() {
  const { items, addFiles, retry, clearFinished } = useUploadQueue();
  const [tagText, setTagText] = useState('');
  const tagsId = useId();
  const totals = summarise(items);
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <label htmlFor={tagsId} className="text-sm font-medium">
          Tags
        </label>
        <input
          id={tagsId}
          value={tagText}
          onChange={(event) => setTagText(event.target.value)}
          placeholder="e.g. backpack, summer 2026"
          aria-describedby={`${tagsId}-hint`}
          className="rounded-md border border-neutral-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-neutral-900 focus:outline-none"
        />
        <p id={`${tagsId}-hint`} className="text-xs text-neutral-500">
          Optional, comma-separated; given to every photo you add next. They help alt text and search.
        </p>
      </div>
      <Dropzone onFiles={(files) => addFiles(files, parseTags(tagText))} accept={ACCEPT} />
      {items.length > 0 && (
        <section aria-label="Uploads" className="overflow-hidden rounded-xl border border-neutral-200 bg-white shadow-sm">
          <header className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b border-neutral-200 bg-neutral-50 px-4 py-2.5 text-sm">
            <p aria-live="polite" data-upload-summary className="flex-1 text-neutral-700">
              {totals.active > 0 ? `${totals.active} to go · ` : 'Done · '}
              {totals.stored} stored · {plural(totals.duplicate, 'duplicate')} · {totals.rejected} rejected
              {totals.failed > 0 && ` · ${totals.failed} failed`}
              {totals.unprocessable > 0 && ` · ${totals.unprocessable} could not be processed`}
            </p>
            <button type="button" onClick={clearFinished} className="text-sm font-medium text-neutral-600 underline-offset-2 hover:underline">
              Clear finished
            </button>
          </header>
          <ul className="divide-y divide-neutral-100">
            {items.map((item) => (
              <UploadRow key={item.key} item={item} onRetry={() => retry(item.key)} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
