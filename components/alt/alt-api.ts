import type { AltHistoryEntry } from '@/lib/alt';
import type { AssetView, PresentedHistory } from '@/lib/assets';

/** The browser's side of the alt-text API (cookie-authenticated): details, edits and regeneration. */

export type AltView = AssetView['alt'];

/** A history entry as GET /api/assets/:id/alt answers it: in words for people, repeats folded. */
export type DisplayedHistoryEntry = PresentedHistory<AltHistoryEntry>;

export interface AltDetails {
  alt: AltView;
  decorative: boolean;
  /** Its alt text is being written right now (a Regenerate's job is queued or running). */
  describing: boolean;
  history: DisplayedHistoryEntry[];
  provider: { configured: boolean; name: string | null; model: string | null };
}

export interface ApiProblem {
  status: number;
  code: string;
  message: string;
  details?: { version?: number; alt?: AltView; decorative?: boolean };
}

export type ApiAnswer<T> = { ok: true; value: T } | { ok: false; problem: ApiProblem };

/** A response as a value: the body on success, the one error shape (or the bare status) otherwise. */
export async function readApiAnswer<T>(response: Response): Promise<ApiAnswer<T>> {
  const body = (await response.json().catch(() => null)) as (T & { error?: Omit<ApiProblem, 'status'> }) | null;
  if (response.ok && body) return { ok: true, value: body };
  const error = body?.error;
  return {
    ok: false,
    problem: { status: response.status, code: error?.code ?? 'http_error', message: error?.message ?? `The server answered HTTP ${response.status}.`, details: error?.details },
  };
}

export async function fetchAltDetails(assetId: string, signal?: AbortSignal): Promise<ApiAnswer<AltDetails>> {
  return readApiAnswer(await fetch(`/api/assets/${assetId}/alt`, { cache: 'no-store', signal }));
}

export type AltEdit = { altText?: string | null; decorative?: boolean; version: number };

export async function saveAltEdit(assetId: string, edit: AltEdit): Promise<ApiAnswer<AssetView>> {
  return readApiAnswer(await fetch(`/api/assets/${assetId}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(edit) }));
}

/** The describe job a Regenerate queued (202): the page polls the alt text until it has run. */
export interface QueuedRegeneration {
  job: { id: string; kind: string; status: string; priority: number };
}

export async function requestRegeneration(assetId: string): Promise<ApiAnswer<QueuedRegeneration>> {
  return readApiAnswer(await fetch(`/api/assets/${assetId}/alt/regenerate`, { method: 'POST' }));
}
