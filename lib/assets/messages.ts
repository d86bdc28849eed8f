/**
 * The one table from failure codes to what a person reads. Codes (`corrupt_image`, `rate_limited_long`) and a
 * provider's own words (HTTP statuses, billing text) stay in the database and reach admins only as the raw
 * detail; everyone else sees these sentences. Covers the pipeline's job errors (derive, frames, embed) and the
 * vision provider's failure kinds (lib/alt/types.ts) and quality-gate reasons (lib/alt/gate.ts).
 */

const FAILURE_MESSAGES: Record<string, string> = {
  // Making thumbnails (derive) and reading videos (frames).
  corrupt_image: 'The file is damaged or truncated, so it cannot be read. Export it again from the original and upload the new file.',
  too_many_pixels: 'The image has too many pixels to process safely. Upload a smaller version.',
  unsupported_format: 'This kind of file cannot be processed here. Convert it to JPEG, PNG or WebP and upload it again.',
  upload_missing: 'The original file is missing from storage. Upload it again.',
  corrupt_video: 'The video is damaged or truncated, so it cannot be read. Export it again and upload the new file.',
  empty_video: 'The video has no frames to show.',
  no_video_stream: 'The file holds no video picture (only sound or data).',
  video_too_long: 'The video is longer than this server accepts. Upload a shorter clip.',
  video_too_large: 'The video’s frames are larger than this server accepts. Upload a smaller version.',
  video_too_many_frames: 'The video holds far more frames a second than any camera records, so it was not read. Export it again at its real frame rate.',
  video_timeout: 'Reading the video took too long and was stopped. Retry, or upload a shorter or smaller version.',
  internal: 'Processing hit an unexpected problem. Retry; if it happens again, an admin can look at the details.',
  // Indexing for search (embed).
  embedding_unavailable: 'The search index could not be updated because the embedding model is not reachable right now. Loupe tries again by itself; Retry to try now.',
  embedding_failed: 'The search index could not be updated for this photo. Retry; if it happens again, an admin can look at the details.',
  // Writing alt text (the vision provider's failure kinds).
  timeout: 'The vision model took too long to answer. Loupe tries again by itself.',
  rate_limited_short: 'The vision provider was busy. Loupe tries again in a moment.',
  rate_limited_long: 'The vision provider’s rate limit was reached. Loupe tries again later by itself.',
  quota_exhausted: 'The vision provider’s usage limit for this account is used up. Loupe tries again when it resets; an admin may need to check the account.',
  bad_request: 'The vision provider refused the request. Retry; if it happens again, an admin can look at the details.',
  image_rejected: 'The vision provider could not accept this image.',
  server_error: 'The vision provider had a problem on its side. Loupe tries again by itself.',
  gate_rejected: 'The model’s answer did not pass the quality check, so it was not used.',
  no_provider: 'No vision provider is set up, so alt text is not written automatically.',
  truncated: 'The model’s answer was cut off before it finished, so it was not used.',
  model_unavailable: 'The vision model Loupe is set to use is no longer offered. An admin needs to choose another model.',
  invalid_key: 'The vision provider refused Loupe’s key. An admin needs to update it.',
  unreachable: 'The vision provider could not be reached. Loupe tries again by itself.',
};

const GATE_MESSAGES: Record<string, string> = {
  empty: 'The model gave no description.',
  too_short: 'The description was too short to be useful.',
  too_long: 'The description was too long.',
  refusal: 'The model declined to describe the image.',
  keyword_stuffing: 'The description was a list of keywords, not a sentence.',
  echo: 'The description only repeated the catalogue data.',
  markup: 'The description contained markup.',
  url: 'The description contained a web address.',
  instructions: 'The description contained instructions instead of describing the photo.',
  wrong_language: 'The description was not in the language asked for.',
};

const UNKNOWN_FAILURE = 'Something went wrong while processing this file. Retry; if it happens again, an admin can look at the details.';

/** What a person reads for a failure code; never the code itself. */
export function failureMessage(code: string | null | undefined): string {
  return (code && FAILURE_MESSAGES[code]) || UNKNOWN_FAILURE;
}

/** Why the quality gate refused an answer (its reason code), for people. */
export function gateMessage(reason: string | null | undefined): string {
  // "quality gate: wrong_language (the answer is in English, …)": the code, without the gate's detail.
  const code = reason?.replace(/^quality gate: /, '').replace(/ \([\s\S]*\)$/, '');
  return (code && GATE_MESSAGES[code]) || FAILURE_MESSAGES.gate_rejected;
}

/** The message lib/alt writes when there is no provider (no `kind:` prefix, see lib/alt/write.ts). */
const NO_PROVIDER_TEXT = 'no vision provider configured';

/**
 * Splits the asset's recorded alt-text failure (`<kind>: <provider's message>`, lib/alt/write.ts) into its code
 * and the raw detail. Null for no failure.
 */
export function altFailureOf(lastError: string | null): { code: string; detail: string } | null {
  if (!lastError) return null;
  if (lastError === NO_PROVIDER_TEXT) return { code: 'no_provider', detail: lastError };
  const match = /^([a-z_]+): ([\s\S]*)$/.exec(lastError);
  if (match && FAILURE_MESSAGES[match[1]]) return { code: match[1], detail: match[2] };
  return { code: 'unknown', detail: lastError };
}

/** The part of a history entry that collapsing and presenting look at (lib/alt's AltHistoryEntry has these). */
export interface HistoryLike {
  event: string;
  outcome: string | null;
  message: string | null;
}

export type PresentedHistory<T extends HistoryLike> = Omit<T, 'message'> & {
  /** For people: from the table above for failures and gate refusals; a person's or import's own note otherwise. */
  message: string | null;
  /** The provider's or decoder's own words; only when the reader may see them (admins), else absent. */
  detail?: string | null;
  /** Consecutive identical failed attempts shown as one entry: how many there were (1 for a single one). */
  attempts: number;
};

/**
 * The history as people see it, newest first: failures and gate refusals in words from the table, the raw
 * detail kept only for admins, and a run of identical failed attempts (one click retried by the policy, or the
 * same outage hit again and again) folded into one entry that says how many attempts it was.
 */
export function presentHistory<T extends HistoryLike>(entries: readonly T[], options: { withDetail: boolean }): PresentedHistory<T>[] {
  const presented: PresentedHistory<T>[] = [];
  for (const entry of entries) {
    const previous = presented.at(-1);
    if (previous && entry.event === 'failed' && previous.event === 'failed' && previous.outcome === entry.outcome) {
      previous.attempts += 1;
      continue;
    }
    const translated = entry.event === 'failed' ? failureMessage(entry.outcome) : entry.event === 'gate_rejected' ? gateMessage(entry.message) : entry.message;
    const raw = entry.event === 'failed' || entry.event === 'gate_rejected';
    const { message: original, ...rest } = entry;
    presented.push({ ...rest, message: translated, attempts: 1, ...(options.withDetail && raw ? { detail: original } : {}) });
  }
  return presented;
}
