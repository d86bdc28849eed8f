/**
 * The browser's side of Loupe's upload protocol: hash, ask for an upload URL, PUT the bytes straight to
 * storage, confirm. Each call resolves to a typed outcome instead of throwing, so the queue can tell a
 * rejection (the server said no: retrying will not help) from a failure (network, server trouble: retry).
 */

export type StepOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; kind: 'rejected' | 'failed'; message: string };

interface UploadTarget {
  url: string;
  method: string;
  headers: Record<string, string>;
}

export type CreateResult =
  | { kind: 'upload'; assetId: string; upload: UploadTarget }
  /** A big file: its parts go up through ./resumable-upload. */
  | { kind: 'parts'; assetId: string; partSize: number; partCount: number }
  | { kind: 'duplicate'; duplicateOf: string };
export type CompleteResult = { kind: 'stored' } | { kind: 'duplicate'; duplicateOf: string };

/** SHA-256 as hex, or null where WebCrypto is unavailable (plain HTTP on a LAN address): the server dedupes then. */
export async function sha256Hex(file: File): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export async function createUpload(file: File, sha256: string | null, tags: string[], signal: AbortSignal): Promise<StepOutcome<CreateResult>> {
  const body = {
    filename: file.name,
    contentType: file.type || 'application/octet-stream',
    size: file.size,
    ...(sha256 ? { sha256 } : {}),
    ...(tags.length ? { tags } : {}),
  };
  const response = await postJson('/api/uploads', body, signal);
  if (!response.ok) return response;
  const json = response.value as { assetId?: string; upload?: UploadTarget; parts?: { partSize: number; partCount: number }; duplicateOf?: string };
  if (json.duplicateOf) return { ok: true, value: { kind: 'duplicate', duplicateOf: json.duplicateOf } };
  if (json.assetId && json.parts) return { ok: true, value: { kind: 'parts', assetId: json.assetId, partSize: json.parts.partSize, partCount: json.parts.partCount } };
  if (json.assetId && json.upload) return { ok: true, value: { kind: 'upload', assetId: json.assetId, upload: json.upload } };
  return { ok: false, kind: 'failed', message: 'The server answered without an upload URL.' };
}

/** `sha256`: for a file hashed while it was uploaded rather than before. */
export async function completeUpload(assetId: string, signal: AbortSignal, sha256?: string): Promise<StepOutcome<CompleteResult>> {
  const response = await postJson(`/api/uploads/${assetId}/complete${sha256 ? `?sha256=${sha256}` : ''}`, {}, signal);
  if (!response.ok) return response;
  const json = response.value as { duplicateOf?: string };
  return { ok: true, value: json.duplicateOf ? { kind: 'duplicate', duplicateOf: json.duplicateOf } : { kind: 'stored' } };
}

/**
 * PUTs the file to its signed URL with XMLHttpRequest, the one browser API that reports upload progress.
 * `onProgress` receives a fraction from 0 to 1.
 */
export function putFile(file: File, target: UploadTarget, onProgress: (fraction: number) => void, signal: AbortSignal): Promise<StepOutcome<null>> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open(target.method, target.url);
    for (const [name, value] of Object.entries(target.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve({ ok: true, value: null });
      } else {
        // Storage refuses an expired or mismatched URL; starting over fetches a fresh one, so this is retryable.
        const message = parseErrorMessage(xhr.responseText) ?? `Storage refused the upload (HTTP ${xhr.status}).`;
        resolve({ ok: false, kind: 'failed', message });
      }
    };
    xhr.onerror = () => resolve({ ok: false, kind: 'failed', message: 'The upload was interrupted: check the connection and retry.' });
    xhr.onabort = () => resolve({ ok: false, kind: 'failed', message: 'The upload was cancelled.' });
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

async function postJson(url: string, body: unknown, signal: AbortSignal): Promise<StepOutcome<unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
  } catch {
    return { ok: false, kind: 'failed', message: 'Could not reach the server: check the connection and retry.' };
  }
  const text = await response.text();
  if (!response.ok) return errorOutcome(response.status, parseErrorMessage(text) ?? `The server answered HTTP ${response.status}.`);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, kind: 'failed', message: 'The server sent an unreadable answer.' };
  }
}

/** 4xx means the file or request itself is wrong; 408, 429 and 5xx are worth retrying as they are. */
function errorOutcome(status: number, message: string): StepOutcome<never> {
  const retryable = status === 408 || status === 429 || status >= 500 || status === 0;
  return { ok: false, kind: retryable ? 'failed' : 'rejected', message };
}

/** Loupe's error shape is `{"error": {"code", "message"}}`; anything else (an S3 XML error) gets a generic message. */
export function parseErrorMessage(text: string): string | null {
  try {
    const json = JSON.parse(text) as { error?: { message?: unknown } };
    return typeof json.error?.message === 'string' ? json.error.message : null;
  } catch {
    return null;
  }
}
