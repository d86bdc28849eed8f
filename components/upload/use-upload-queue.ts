'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { awaitDerive } from './derive-outcome';
import { findResumableUpload, hashBeforeAnnouncing, sendInParts, type PartedUpload } from './resumable-upload';
import { completeUpload, createUpload, putFile, sha256Hex, type CompleteResult, type StepOutcome } from './upload-protocol';

/** Files uploading at once: enough to keep the pipe full, few enough not to starve each other or the server. */
export const UPLOAD_CONCURRENCY = 3;

/** `processing`: stored, its upload slot free, waiting to hear whether it can be read; `unprocessable`: it cannot (damaged, too large…). */
export type UploadStatus = 'queued' | 'hashing' | 'uploading' | 'finishing' | 'processing' | 'stored' | 'duplicate' | 'rejected' | 'failed' | 'unprocessable';

export interface UploadItem {
  key: string;
  file: File;
  /** Catalogue tags given to the batch this file came in with. */
  tags: string[];
  status: UploadStatus;
  /** 0 to 1, bytes sent to storage. */
  progress: number;
  message?: string;
  assetId?: string;
  duplicateOf?: string;
}

type Patch = Partial<Omit<UploadItem, 'key' | 'file' | 'tags'>>;

/** A stored file is `processing` until derive says whether it can be read (settle, below); its slot is freed first. */
function completionPatch(completed: StepOutcome<CompleteResult>, assetId: string): Patch {
  if (!completed.ok) return { status: completed.kind, message: completed.message };
  return completed.value.kind === 'duplicate' ? { status: 'duplicate', duplicateOf: completed.value.duplicateOf } : { status: 'processing', assetId };
}

export const ACTIVE_STATUSES: ReadonlySet<UploadStatus> = new Set(['hashing', 'uploading', 'finishing', 'processing']);

/**
 * A queue of files, each taken through hash → create → PUT → complete, at most UPLOAD_CONCURRENCY at a time.
 * A failed file goes back to the queue on `retry` without touching the others.
 */
export function useUploadQueue() {
  const [items, setItems] = useState<UploadItem[]>([]);
  const running = useRef(new Set<string>());
  const nextKey = useRef(0);
  const lifetime = useRef<AbortController | null>(null);

  useEffect(() => {
    lifetime.current = new AbortController();
    return () => lifetime.current?.abort();
  }, []);

  const update = useCallback((key: string, patch: Patch) => {
    setItems((current) => current.map((item) => (item.key === key ? { ...item, ...patch } : item)));
  }, []);

  const run = useCallback(
    async (item: UploadItem, signal: AbortSignal): Promise<Patch> => {
      update(item.key, { status: 'hashing', progress: 0, message: undefined });
      const inParts = async (upload: PartedUpload): Promise<Patch> => {
        update(item.key, { status: 'uploading', assetId: upload.assetId });
        const events = { onProgress: (progress: number) => update(item.key, { progress }), onFinishing: () => update(item.key, { status: 'finishing' }) };
        return completionPatch(await sendInParts(item.file, upload, events, signal), upload.assetId);
      };
      // The same big file picked again after a reload or a dropped connection: send only what the server lacks.
      const resumable = await findResumableUpload(item.file, signal);
      if (resumable) return inParts(resumable);
      const sha256 = hashBeforeAnnouncing(item.file) ? await sha256Hex(item.file).catch(() => null) : null;
      const created = await createUpload(item.file, sha256, item.tags, signal);
      if (!created.ok) return { status: created.kind, message: created.message };
      if (created.value.kind === 'duplicate') return { status: 'duplicate', duplicateOf: created.value.duplicateOf, progress: 1 };
      if (created.value.kind === 'parts') return inParts({ ...created.value, received: [] });

      const { assetId, upload } = created.value;
      update(item.key, { status: 'uploading', assetId });
      const put = await putFile(item.file, upload, (progress) => update(item.key, { progress }), signal);
      if (!put.ok) return { status: put.kind, message: put.message };

      update(item.key, { status: 'finishing' });
      return completionPatch(await completeUpload(assetId, signal), assetId);
    },
    [update],
  );

  const settle = useCallback(
    async (key: string, assetId: string, signal: AbortSignal) => {
      const outcome = await awaitDerive(assetId, signal);
      if (signal.aborted) return;
      if (outcome.kind === 'failed') update(key, { status: 'unprocessable', message: outcome.message });
      else if (outcome.kind === 'ready') update(key, { status: 'stored' });
      else update(key, { status: 'stored', message: 'still being processed; the library shows how it ends' });
    },
    [update],
  );

  useEffect(() => {
    const signal = lifetime.current?.signal;
    if (!signal || signal.aborted) return;
    const free = UPLOAD_CONCURRENCY - running.current.size;
    const next = items.filter((item) => item.status === 'queued' && !running.current.has(item.key)).slice(0, Math.max(0, free));
    for (const item of next) {
      running.current.add(item.key);
      void run(item, signal).then((patch) => {
        // Free the slot before the final update, so the effect that update triggers can start the next file.
        running.current.delete(item.key);
        if (signal.aborted) return;
        update(item.key, patch);
        if (patch.status === 'processing' && patch.assetId) void settle(item.key, patch.assetId, signal);
      });
    }
  }, [items, run, settle, update]);

  const addFiles = useCallback((files: Iterable<File>, tags: string[] = []) => {
    const added = Array.from(files, (file): UploadItem => ({ key: `upload-${nextKey.current++}`, file, tags, status: 'queued', progress: 0 }));
    if (added.length) setItems((current) => [...current, ...added]);
  }, []);

  const retry = useCallback((key: string) => update(key, { status: 'queued', progress: 0, message: undefined }), [update]);

  const clearFinished = useCallback(() => {
    setItems((current) => current.filter((item) => item.status === 'queued' || ACTIVE_STATUSES.has(item.status) || item.status === 'failed'));
  }, []);

  return { items, addFiles, retry, clearFinished };
}
