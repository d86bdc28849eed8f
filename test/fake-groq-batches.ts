import { randomBytes } from 'node:crypto';
import type http from 'node:http';

/**
 * The fake Groq API's Files and Batch APIs (test/fake-groq.ts serves them under /openai/v1): upload a JSONL
 * file (multipart, purpose `batch`), create a batch from it, retrieve, list and cancel batches, and read the
 * output and error files, in the shapes groq-sdk's `files` and `batches` resources declare.
 *
 * Time is the fake's own: it starts when the fake starts and moves only when a test calls `advance()`, so a
 * test walks a batch through its states without waiting. A batch is `validating` for `validateSeconds`, then
 * `in_progress` for `processSeconds`, then `finalizing` for `finalizeSeconds`, then `completed`, with every
 * line answered as the chat-completions endpoint would answer it (or as scripted per line). A batch whose
 * processing would outlast its completion window is `expired` at the window's end: the lines answered by then
 * are in the output file, the rest in the error file with code `batch_expired`, as Groq does.
 *
 * Refusals, as the fake models them (Groq documents the Batch API for paid plans and for some models only):
 * an account without batch access gets 403 `batch_not_available` from create; a model Groq does not run in
 * batch fails the batch at validation (`failed`, its reason in `errors.data`). Limits as groq-sdk documents them
 * (a file of at most 100 MB) and as Groq's batch page does (at most 50,000 lines).
 */

export const GROQ_BATCH_MAX_FILE_BYTES = 100 * 1024 * 1024;
export const GROQ_BATCH_MAX_LINES = 50_000;
export const BATCH_ACCOUNT_REFUSAL = 'The Batch API is not available for your organization on its current plan. Upgrade to the Developer tier at https://console.groq.com/settings/billing to use it.';

export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

/** How one line is answered when its batch is processed (consumed in line order; `describe` once the script is empty). */
export type BatchLineReply =
  | { kind: 'describe' }
  | { kind: 'text'; content: string }
  /** The request failed with this status and Groq's error body: it goes to the error file. */
  | { kind: 'status'; status: number; message?: string; code?: string };

export interface BatchTiming {
  validateSeconds: number;
  processSeconds: number;
  finalizeSeconds: number;
}

/** A chat request answered as POST /chat/completions would: the status and JSON body. */
export type AnswerChat = (body: unknown, reply: BatchLineReply) => Promise<{ status: number; body: unknown }>;

export interface FakeBatches {
  /** Moves the fake's clock on. */
  advance(seconds: number): void;
  setTiming(timing: Partial<BatchTiming>): void;
  /** Refuse batches for the whole account (403 at create), or fail them at validation for these models. */
  refuse(refusal: { account: true } | { models: string[] } | null): void;
  scriptLines(...replies: BatchLineReply[]): void;
  /** Every batch created, newest last. */
  all(): Array<{ id: string; status: BatchStatus; lines: number; inputFileId: string }>;
  /** Lines of every uploaded input file, parsed. */
  uploadedLines(): Array<{ custom_id: string; body: Record<string, unknown> }>;
  reset(): void;
}

interface FakeFile {
  id: string;
  filename: string;
  purpose: 'batch' | 'batch_output';
  bytes: Buffer;
  createdAt: number;
}

interface InputLine {
  custom_id: string;
  method: string;
  url: string;
  body: Record<string, unknown>;
}

interface FakeBatch {
  id: string;
  inputFileId: string;
  completionWindow: string;
  windowSeconds: number;
  metadata: Record<string, string> | null;
  createdAt: number;
  timing: BatchTiming;
  lines: InputLine[];
  status: BatchStatus;
  cancelledAt?: number;
  endedAt?: number;
  outputFileId?: string;
  errorFileId?: string;
  counts: { total: number; completed: number; failed: number };
  errors?: Array<{ code: string; message: string; line: number | null; param: string | null }>;
}

const WINDOW = /^(\d+)(h|d)$/;

type Send = (res: http.ServerResponse, status: number, body: unknown) => void;
type SendError = (res: http.ServerResponse, status: number, message: string, type: string, code?: string) => void;

export function fakeBatchApi(answer: AnswerChat, send: Send, sendError: SendError) {
  const startedAt = Math.floor(Date.now() / 1000);
  let offset = 0;
  const now = () => startedAt + offset;
  const files = new Map<string, FakeFile>();
  const batches = new Map<string, FakeBatch>();
  let timing: BatchTiming = { validateSeconds: 5, processSeconds: 3_600, finalizeSeconds: 5 };
  let refusal: { account: true } | { models: string[] } | null = null;
  const lineScript: BatchLineReply[] = [];

  const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

  function fileObject(file: FakeFile) {
    return { id: file.id, object: 'file', bytes: file.bytes.length, created_at: file.createdAt, filename: file.filename, purpose: file.purpose };
  }

  function batchObject(batch: FakeBatch) {
    const at = (offsetSeconds: number) => batch.createdAt + offsetSeconds;
    const { validateSeconds, processSeconds } = batch.timing;
    return {
      id: batch.id,
      object: 'batch',
      endpoint: '/v1/chat/completions',
      input_file_id: batch.inputFileId,
      completion_window: batch.completionWindow,
      status: batch.status,
      created_at: batch.createdAt,
      expires_at: batch.createdAt + batch.windowSeconds,
      ...(batch.status !== 'validating' && batch.status !== 'failed' ? { in_progress_at: at(validateSeconds) } : {}),
      ...(batch.status === 'finalizing' || batch.status === 'completed' ? { finalizing_at: at(validateSeconds + processSeconds) } : {}),
      ...(batch.status === 'completed' ? { completed_at: batch.endedAt } : {}),
      ...(batch.status === 'expired' ? { expired_at: batch.endedAt } : {}),
      ...(batch.status === 'failed' ? { failed_at: batch.endedAt } : {}),
      ...(batch.cancelledAt ? { cancelling_at: batch.cancelledAt } : {}),
      ...(batch.status === 'cancelled' ? { cancelled_at: batch.endedAt } : {}),
      output_file_id: batch.outputFileId ?? null,
      error_file_id: batch.errorFileId ?? null,
      errors: batch.errors ? { object: 'list', data: batch.errors } : null,
      request_counts: batch.counts,
      metadata: batch.metadata,
    };
  }

  /** Answers the first `count` lines (the rest, if any, fail with `code`) and writes the output and error files. */
  async function finish(batch: FakeBatch, count: number, code: 'batch_expired' | 'batch_cancelled'): Promise<void> {
    const output: string[] = [];
    const errors: string[] = [];
    for (const [index, line] of batch.lines.entries()) {
      const requestId = id('batch_req');
      if (index >= count) {
        const message = code === 'batch_expired' ? 'This request could not be executed before the completion window expired.' : 'This request was not executed because the batch was cancelled.';
        errors.push(JSON.stringify({ id: requestId, custom_id: line.custom_id, response: null, error: { code, message } }));
        continue;
      }
      const { status, body } = await answer(line.body, lineScript.shift() ?? { kind: 'describe' });
      const entry = JSON.stringify({ id: requestId, custom_id: line.custom_id, response: { status_code: status, request_id: id('req'), body }, error: null });
      if (status === 200) {
        output.push(entry);
        batch.counts.completed += 1;
      } else {
        errors.push(entry);
        batch.counts.failed += 1;
      }
    }
    if (count < batch.lines.length) batch.counts.failed += batch.lines.length - count;
    const store = (lines: string[]) => {
      if (lines.length === 0) return undefined;
      const file: FakeFile = { id: id('file'), filename: `${batch.id}_${lines === output ? 'output' : 'error'}.jsonl`, purpose: 'batch_output', bytes: Buffer.from(`${lines.join('\n')}\n`), createdAt: now() };
      files.set(file.id, file);
      return file.id;
    };
    batch.outputFileId = store(output);
    batch.errorFileId = store(errors);
  }

  /** Brings a batch up to the fake's clock. */
  async function refresh(batch: FakeBatch): Promise<void> {
    if (['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) return;
    const elapsed = now() - batch.createdAt;
    const { validateSeconds, processSeconds, finalizeSeconds } = batch.timing;
    if (batch.status === 'cancelling') {
      await finish(batch, 0, 'batch_cancelled');
      batch.status = 'cancelled';
      batch.endedAt = now();
      return;
    }
    if (elapsed < validateSeconds) return;
    if (batch.status === 'validating') {
      const refused = refusal && 'models' in refusal ? batch.lines.findIndex((line) => refusal && 'models' in refusal && refusal.models.includes(String(line.body.model))) : -1;
      if (refused >= 0) {
        const model = String(batch.lines[refused].body.model);
        batch.errors = [{ code: 'model_not_supported', message: `The model \`${model}\` is not supported by the Batch API.`, line: refused + 1, param: 'body.model' }];
        batch.status = 'failed';
        batch.endedAt = batch.createdAt + validateSeconds;
        return;
      }
      batch.status = 'in_progress';
    }
    if (validateSeconds + processSeconds > batch.windowSeconds && elapsed >= batch.windowSeconds) {
      // Processing goes at an even pace: the share of the window spent processing is the share of lines answered.
      const answered = Math.floor((batch.lines.length * (batch.windowSeconds - validateSeconds)) / processSeconds);
      await finish(batch, answered, 'batch_expired');
      batch.status = 'expired';
      batch.endedAt = batch.createdAt + batch.windowSeconds;
      return;
    }
    if (elapsed < validateSeconds + processSeconds) return;
    if (batch.status === 'in_progress') {
      await finish(batch, batch.lines.length, 'batch_expired');
      batch.status = 'finalizing';
    }
    if (elapsed < validateSeconds + processSeconds + finalizeSeconds) return;
    batch.status = 'completed';
    batch.endedAt = batch.createdAt + validateSeconds + processSeconds + finalizeSeconds;
  }

  /** Handles a Files or Batch API request; false when the path is neither. The caller has checked the API key. */
  async function handle(req: http.IncomingMessage, res: http.ServerResponse, path: string, raw: Buffer): Promise<boolean> {
    const method = req.method ?? 'GET';
    if (path === '/openai/v1/files' && method === 'POST') {
      await upload(req, res, raw);
      return true;
    }
    if (path === '/openai/v1/files' && method === 'GET') {
      send(res, 200, { object: 'list', data: [...files.values()].map(fileObject) });
      return true;
    }
    const fileMatch = /^\/openai\/v1\/files\/([^/]+)(\/content)?$/.exec(path);
    if (fileMatch) {
      const file = files.get(fileMatch[1]);
      if (!file) {
        sendError(res, 404, `File not found: ${fileMatch[1]}`, 'invalid_request_error', 'not_found');
      } else if (method === 'DELETE') {
        files.delete(file.id);
        send(res, 200, { id: file.id, object: 'file', deleted: true });
      } else if (fileMatch[2]) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(file.bytes);
      } else {
        send(res, 200, fileObject(file));
      }
      return true;
    }
    if (path === '/openai/v1/batches' && method === 'POST') {
      create(res, raw);
      return true;
    }
    if (path === '/openai/v1/batches' && method === 'GET') {
      for (const batch of batches.values()) await refresh(batch);
      send(res, 200, { object: 'list', data: [...batches.values()].map(batchObject) });
      return true;
    }
    const batchMatch = /^\/openai\/v1\/batches\/([^/]+)(\/cancel)?$/.exec(path);
    if (batchMatch) {
      const batch = batches.get(batchMatch[1]);
      if (!batch) {
        sendError(res, 404, `Batch not found: ${batchMatch[1]}`, 'invalid_request_error', 'not_found');
        return true;
      }
      await refresh(batch);
      if (batchMatch[2] && method === 'POST') {
        if (['validating', 'in_progress', 'finalizing'].includes(batch.status)) {
          batch.status = 'cancelling';
          batch.cancelledAt = now();
        }
      }
      send(res, 200, batchObject(batch));
      return true;
    }
    return false;
  }

  async function upload(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): Promise<void> {
    let form: FormData;
    try {
      form = await new Request('http://fake/upload', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: new Uint8Array(raw) }).formData();
    } catch {
      return sendError(res, 400, 'The request must be multipart/form-data with a file and a purpose.', 'invalid_request_error');
    }
    const file = form.get('file');
    const purpose = form.get('purpose');
    if (purpose !== 'batch') return sendError(res, 400, `Invalid purpose: '${String(purpose)}'. Files for the Batch API must have the purpose 'batch'.`, 'invalid_request_error', 'invalid_purpose');
    if (!file || typeof file === 'string') return sendError(res, 400, "'file' is a required property", 'invalid_request_error');
    const bytes = Buffer.from(await file.arrayBuffer());
    if (bytes.length > GROQ_BATCH_MAX_FILE_BYTES) return sendError(res, 413, `File too large: ${bytes.length} bytes; batch input files are limited to 100 MB.`, 'invalid_request_error', 'file_too_large');
    const lines = bytes.toString('utf8').split('\n').filter((line) => line.trim() !== '');
    if (lines.length === 0) return sendError(res, 400, 'The file is empty: a batch input file needs at least one request line.', 'invalid_request_error', 'invalid_file');
    if (lines.length > GROQ_BATCH_MAX_LINES) return sendError(res, 400, `Too many requests: ${lines.length} lines; a batch input file holds at most 50,000.`, 'invalid_request_error', 'invalid_file');
    const seen = new Set<string>();
    for (const [index, text] of lines.entries()) {
      const problem = lineProblem(text, seen);
      if (problem) return sendError(res, 400, `Invalid JSONL at line ${index + 1}: ${problem}`, 'invalid_request_error', 'invalid_file');
    }
    const stored: FakeFile = { id: id('file'), filename: file.name, purpose: 'batch', bytes, createdAt: now() };
    files.set(stored.id, stored);
    send(res, 200, fileObject(stored));
  }

  function create(res: http.ServerResponse, raw: Buffer): void {
    let body: { input_file_id?: unknown; endpoint?: unknown; completion_window?: unknown; metadata?: unknown };
    try {
      body = JSON.parse(raw.toString('utf8')) as typeof body;
    } catch {
      return sendError(res, 400, 'The request body must be JSON.', 'invalid_request_error');
    }
    if (refusal && 'account' in refusal) return sendError(res, 403, BATCH_ACCOUNT_REFUSAL, 'permissions_error', 'batch_not_available');
    const file = typeof body.input_file_id === 'string' ? files.get(body.input_file_id) : undefined;
    if (!file || file.purpose !== 'batch') return sendError(res, 400, `Invalid input_file_id: ${String(body.input_file_id)} is not a file uploaded with the purpose 'batch'.`, 'invalid_request_error', 'invalid_file');
    if (body.endpoint !== '/v1/chat/completions') return sendError(res, 400, "Invalid endpoint: only '/v1/chat/completions' is supported.", 'invalid_request_error');
    const window = typeof body.completion_window === 'string' ? WINDOW.exec(body.completion_window) : null;
    const windowSeconds = window ? Number(window[1]) * (window[2] === 'd' ? 86_400 : 3_600) : 0;
    if (!window || windowSeconds < 86_400 || windowSeconds > 7 * 86_400) {
      return sendError(res, 400, `Invalid completion_window: ${String(body.completion_window)}. Durations from 24h to 7d are supported.`, 'invalid_request_error');
    }
    const lines = file.bytes.toString('utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as InputLine);
    const batch: FakeBatch = {
      id: id('batch'),
      inputFileId: file.id,
      completionWindow: body.completion_window as string,
      windowSeconds,
      metadata: body.metadata && typeof body.metadata === 'object' ? (body.metadata as Record<string, string>) : null,
      createdAt: now(),
      timing,
      lines,
      status: 'validating',
      counts: { total: lines.length, completed: 0, failed: 0 },
    };
    batches.set(batch.id, batch);
    send(res, 200, batchObject(batch));
  }

  const api: FakeBatches = {
    advance: (seconds) => {
      offset += seconds;
    },
    setTiming: (next) => {
      timing = { ...timing, ...next };
    },
    refuse: (next) => {
      refusal = next;
    },
    scriptLines: (...replies) => lineScript.push(...replies),
    all: () => [...batches.values()].map((batch) => ({ id: batch.id, status: batch.status, lines: batch.lines.length, inputFileId: batch.inputFileId })),
    uploadedLines: () =>
      [...files.values()]
        .filter((file) => file.purpose === 'batch')
        .flatMap((file) => file.bytes.toString('utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as InputLine)),
    reset: () => {
      files.clear();
      batches.clear();
      lineScript.length = 0;
      refusal = null;
      timing = { validateSeconds: 5, processSeconds: 3_600, finalizeSeconds: 5 };
    },
  };
  return { handle, api };
}

/** Why a line of an input file is not a batch request, as Groq's validation words it; null when it is. */
function lineProblem(text: string, seen: Set<string>): string | null {
  let line: Partial<InputLine>;
  try {
    line = JSON.parse(text) as Partial<InputLine>;
  } catch {
    return 'not valid JSON';
  }
  if (typeof line.custom_id !== 'string' || line.custom_id === '') return "'custom_id' is a required property";
  if (seen.has(line.custom_id)) return `duplicate custom_id '${line.custom_id}'`;
  seen.add(line.custom_id);
  if (line.method !== 'POST') return "'method' must be 'POST'";
  if (line.url !== '/v1/chat/completions') return "'url' must be '/v1/chat/completions'";
  if (!line.body || typeof line.body !== 'object' || typeof line.body.model !== 'string') return "'body' must be a chat completion request with a model";
  return null;
}
