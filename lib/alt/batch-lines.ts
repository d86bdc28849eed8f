/**
 * The Batch API's file format, for any chat request: a describe request today, a text-only translate request
 * just as well (a line carries whatever chat-completions body it is given). Lines are packed into files within
 * Groq's limits: at most 50,000 lines (Groq's batch page) and 100 MB (groq-sdk's files.create).
 */

export interface BatchFileLimits {
  maxBytes: number;
  maxLines: number;
}

export const GROQ_BATCH_LIMITS: BatchFileLimits = { maxBytes: 100 * 1024 * 1024, maxLines: 50_000 };

/** One JSONL line: a chat-completions request with the id its answer comes back under. */
export function batchLine(customId: string, body: object): string {
  return JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body });
}

/** Splits items into consecutive groups within the limits, given each one's line size in bytes (with its newline). */
export function packBatches<T>(items: readonly T[], bytesOf: (item: T) => number, limits: BatchFileLimits): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const bytes = bytesOf(item);
    if (current.length > 0 && (current.length >= limits.maxLines || size + bytes > limits.maxBytes)) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** One line of an output or error file: the answer's status and body, or the error that kept it from running. */
export interface BatchAnswer {
  customId: string;
  status: number | null;
  body: unknown;
  error: { code: string; message: string } | null;
}

/** Parses an output or error file; lines that are not answers are skipped (their request counts as unanswered). */
export function parseBatchAnswers(jsonl: string): BatchAnswer[] {
  return jsonl.split('\n').flatMap((text) => {
    if (!text.trim()) return [];
    try {
      const line = JSON.parse(text) as { custom_id?: unknown; response?: { status_code?: unknown; body?: unknown } | null; error?: { code?: unknown; message?: unknown } | null };
      if (typeof line.custom_id !== 'string') return [];
      const status = typeof line.response?.status_code === 'number' ? line.response.status_code : null;
      const error = line.error ? { code: String(line.error.code ?? 'error'), message: String(line.error.message ?? 'no message') } : null;
      return [{ customId: line.custom_id, status, body: line.response?.body ?? null, error }];
    } catch {
      return [];
    }
  });
}
