import Groq, { APIError, toFile } from 'groq-sdk';
import type { AltBatchStatus } from '@/db/schema';
import type { Config } from '@/lib/config';
import type { Failure, Result } from '@/lib/result';

/**
 * Groq's Files and Batch APIs through groq-sdk (`files`, `batches`), as typed results. Reads and uploads let the
 * SDK retry a dropped connection or a 5xx twice (repeating them is harmless); creating a batch never does (a
 * second batch would be billed twice), and a call still failing is tried again by the batch job's own
 * schedule. Groq refusing the work (a plan without batch
 * access, a request it will not take: any 4xx but a rate limit) is `refused`, which sends the lines online;
 * anything else (429, 5xx, unreachable) is `unavailable`, tried again later.
 */

export type BatchCallFailure = Failure<{ kind: 'refused' | 'unavailable'; message: string }>;
export type BatchCall<T> = Result<{ value: T }, { kind: 'refused' | 'unavailable'; message: string }>;

/** A batch as Groq reports it. */
export interface RemoteBatch {
  id: string;
  status: Exclude<AltBatchStatus, 'submitting' | 'applied' | 'refused'>;
  outputFileId: string | null;
  errorFileId: string | null;
  counts: { total: number; completed: number; failed: number };
  /** Why Groq failed it (validation errors), for the admin page. */
  errors: string | null;
  metadata: Record<string, string>;
}

export interface BatchClient {
  upload(jsonl: Buffer, filename: string): Promise<BatchCall<string>>;
  create(inputFileId: string, completionWindow: string, metadata: Record<string, string>): Promise<BatchCall<RemoteBatch>>;
  retrieve(id: string): Promise<BatchCall<RemoteBatch>>;
  list(): Promise<BatchCall<RemoteBatch[]>>;
  /** An output or error file's JSONL text. */
  content(fileId: string): Promise<BatchCall<string>>;
}

/** Files and batches can be large: more time than a single describe call. */
const BATCH_CALL_TIMEOUT_MS = 120_000;

/** The configured provider's Batch API, or null when it has none (only Groq's is supported). */
export function batchClientFrom(vision: Config['vision']): BatchClient | null {
  if (vision.provider !== 'groq' || !vision.groqApiKey) return null;
  const client = new Groq({ apiKey: vision.groqApiKey, baseURL: vision.groqBaseUrl ?? null, maxRetries: 2, timeout: BATCH_CALL_TIMEOUT_MS });
  return {
    upload: (jsonl, filename) => call(async () => (await client.files.create({ file: await toFile(jsonl, filename, { type: 'application/jsonl' }), purpose: 'batch' })).id ?? ''),
    create: (inputFileId, completionWindow, metadata) =>
      call(async () => remoteBatch(await client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: completionWindow, metadata }, { maxRetries: 0 }))),
    retrieve: (id) => call(async () => remoteBatch(await client.batches.retrieve(id))),
    list: () => call(async () => (await client.batches.list()).data.map(remoteBatch)),
    content: (fileId) => call(async () => (await client.files.content(fileId)).text()),
  };
}

async function call<T>(work: () => Promise<T>): Promise<BatchCall<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof APIError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 429 && error.status !== 408) {
      return { ok: false, kind: 'refused', message: `Groq answered ${error.status}: ${groqMessage(error)}` };
    }
    return { ok: false, kind: 'unavailable', message: error instanceof Error ? error.message : String(error) };
  }
}

function groqMessage(error: APIError): string {
  const body = error.error as { error?: { message?: unknown }; message?: unknown } | undefined;
  const message = body?.error?.message ?? body?.message;
  return typeof message === 'string' ? message : error.message;
}

interface BatchShape {
  id: string;
  status: RemoteBatch['status'];
  output_file_id?: string | null;
  error_file_id?: string | null;
  request_counts?: { total: number; completed: number; failed: number };
  errors?: { data?: Array<{ message?: string; line?: number | null }> } | null;
  metadata?: unknown;
}

function remoteBatch(batch: BatchShape): RemoteBatch {
  const errors = batch.errors?.data?.map((entry) => `${entry.line ? `line ${entry.line}: ` : ''}${entry.message ?? 'no reason given'}`).join('; ');
  return {
    id: batch.id,
    status: batch.status,
    outputFileId: batch.output_file_id ?? null,
    errorFileId: batch.error_file_id ?? null,
    counts: batch.request_counts ?? { total: 0, completed: 0, failed: 0 },
    errors: errors || null,
    metadata: batch.metadata && typeof batch.metadata === 'object' ? (batch.metadata as Record<string, string>) : {},
  };
}
