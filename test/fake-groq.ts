import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sharp from 'sharp';
import { describePlausibly, judgePlausibly, translatePlausibly } from './fake-groq-answers';

/**
 * A faithful local fake of Groq's OpenAI-compatible chat-completions API, for tests (through the real groq-sdk
 * or openai client) and as a standalone server for the e2e harness. It answers POST
 * /openai/v1/chat/completions with Groq's response shape, usage fields and x-ratelimit-* headers, checks the
 * API key, and enforces Groq's image limits (base64 bodies over 4 MB: 413; images over 33 megapixels or URL
 * images over 20 MB: 400). Each request takes the next scripted reply, or the default behaviour when none is
 * queued: "describe", a plausible one-sentence product description built from the catalogue data and the
 * image's dominant colour, or, for a text-only translation request, that sentence in the asked language (with
 * usage counted from the text alone: no image tokens).
 *
 * Like Groq, it serves a model list (GET /openai/v1/models) and refuses other models: a retired one with 400
 * `model_decommissioned`, an unknown one with 404 `model_not_found`. Reasoning models answer as Groq's do:
 * thinking inline in `<think>` tags unless `reasoning_format` hides or parses it, none at
 * `reasoning_effort: "none"`, and reasoning tokens in `usage.completion_tokens_details`.
 */

export const FAKE_GROQ_PATH = '/openai/v1/chat/completions';
export const FAKE_GROQ_MODELS_PATH = '/openai/v1/models';
export const GROQ_MAX_PIXELS = 33_177_600;
export const GROQ_MAX_BASE64_BYTES = 4 * 1024 * 1024;
export const GROQ_MAX_URL_IMAGE_BYTES = 20 * 1024 * 1024;

export type FakeReply =
  /** A plausible product sentence from the catalogue data and the image (the default); in JSON mode, plausible judge scores. */
  | { kind: 'describe' }
  /** A translation request answered in `answerIn` (a locale) instead of the language it asks for: a model getting it wrong. */
  | { kind: 'translate'; answerIn: string }
  /** 200 with this message content (null: a message without content). */
  | { kind: 'text'; content: string | null; promptTokens?: number; completionTokens?: number }
  /**
   * 429 in Groq's shape. `wait` goes into the message ("Please try again in 5.289s"), `retryAfter` into the
   * header (omit for the whole seconds rounded up, null for no header); `window: 'day'` is a daily quota.
   */
  | { kind: 'rate_limit'; wait?: string | null; retryAfter?: string | null; limit?: 'tokens' | 'requests'; window?: 'minute' | 'day'; code?: string }
  /** Any status with Groq's error body (5xx, 413, 401, ...). */
  | { kind: 'status'; status: number; message?: string; type?: string; code?: string }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** 200 with a JSON content type and a truncated body. */
  | { kind: 'malformed' }
  /** 200 with `choices: []`. */
  | { kind: 'empty_choices' }
  /** Waits for `until` (e.g. a test's signal) before answering with `then`. */
  | { kind: 'held'; until: Promise<void>; then: FakeReply }
  /**
   * A reasoning model's answer: `thinking` shown as the request's reasoning_format asks (inline `<think>` by
   * default), reasoning tokens in usage. `unclosed`: the thinking never closes and no answer follows.
   */
  | { kind: 'reasoning'; content: string; thinking?: string; reasoningTokens?: number; unclosed?: boolean }
  /** 200 with `finish_reason: "length"`: the answer cut off at max_tokens (`content` is the part sent). */
  | { kind: 'length'; content?: string; reasoningTokens?: number };

/** A model the fake serves; `images` and `reasoning` as Groq's docs describe it. */
export interface FakeModel {
  id: string;
  images: boolean;
  reasoning: boolean;
}

/** What Groq serves for chat today (its model list and vision page, autumn 2026). */
export const FAKE_GROQ_MODELS: FakeModel[] = [
  { id: 'qwen/qwen3.8-27b', images: true, reasoning: true },
  { id: 'qwen/qwen3.6-27b', images: true, reasoning: true },
  { id: 'openai/gpt-oss-120b', images: false, reasoning: true },
  { id: 'openai/gpt-oss-20b', images: false, reasoning: true },
];

/** Models Groq has decommissioned: requests for them get 400 `model_decommissioned`. */
export const FAKE_GROQ_RETIRED_MODELS = ['meta-llama/llama-4-scout-17b-16e-instruct', 'meta-llama/llama-4-maverick-17b-128e-instruct', 'llama-3.3-70b-versatile'];

export interface RecordedRequest {
  path: string;
  authorization: string | undefined;
  body: ChatBody | null;
  /** The text parts of the user message (catalogue data and request). */
  userText: string;
  image: { transport: 'base64' | 'url'; bytes: number } | null;
}

export interface FakeGroq {
  /** The base URL for GROQ_BASE_URL / groq-sdk's baseURL (e.g. http://127.0.0.1:41234). */
  url: string;
  /** The base URL for OpenAI-compatible clients (…/openai/v1). */
  openaiBaseUrl: string;
  apiKey: string;
  requests: RecordedRequest[];
  /** Queues replies, consumed one per accepted request in order (a request then refused for its image still takes one). */
  script(...replies: FakeReply[]): void;
  /** What requests get once the script is empty. */
  setDefault(reply: FakeReply): void;
  /** Clears the script, the request log and the default. */
  reset(): void;
  /** Successful alt-text calls per image and the times calls were admitted (with `rateLimit`, also 429s sent). */
  usage: FakeUsage;
  /** Resolves once `count` requests have arrived in total. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

interface ChatBody {
  model?: unknown;
  messages?: Array<{ role?: unknown; content?: unknown }>;
  response_format?: { type?: unknown };
  max_tokens?: unknown;
  reasoning_effort?: unknown;
  reasoning_format?: unknown;
}

interface ParsedImage {
  transport: 'base64' | 'url';
  url: string;
}

const RATE_LIMITS = { requests: 1000, tokens: 15_000 };
/** Groq's vision page: each image counts as 2048 input tokens on its qwen models. */
const IMAGE_TOKENS = 2_048;

export async function startFakeGroq(options: { port?: number; host?: string; apiKey?: string; models?: FakeModel[]; rateLimit?: FakeRateLimit } = {}): Promise<FakeGroq> {
  const apiKey = options.apiKey ?? 'gsk_fake_test_key';
  const models = options.models ?? FAKE_GROQ_MODELS;
  const queue: FakeReply[] = [];
  let fallback: FakeReply = { kind: 'describe' };
  const requests: RecordedRequest[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const sockets = new Set<Socket>();
  const limiter = options.rateLimit ? enforcedRateLimit(options.rateLimit) : null;
  const usage = callUsage();

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, String(error), 'internal_server_error');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '').split('?')[0];
    const body = parseJson(raw);
    const image = body ? findImage(body) : null;
    const recorded: RecordedRequest = {
      path,
      authorization: req.headers.authorization,
      body,
      userText: body ? userText(body) : '',
      image: image ? { transport: image.transport, bytes: image.transport === 'base64' ? base64Bytes(image.url) : 0 } : null,
    };
    requests.push(recorded);
    for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }

    const known = (req.method === 'POST' && path === FAKE_GROQ_PATH) || (req.method === 'GET' && path === FAKE_GROQ_MODELS_PATH);
    if (!known) {
      return sendError(res, 404, 'Unknown request URL. Please check the URL for typos.', 'invalid_request_error', 'unknown_url');
    }
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return sendError(res, 401, 'Invalid API Key', 'invalid_request_error', 'invalid_api_key');
    }
    if (path === FAKE_GROQ_MODELS_PATH) return sendJson(res, 200, modelListBody(models));
    if (!body || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
      return sendError(res, 400, "'model' and 'messages' are required properties", 'invalid_request_error');
    }
    const refusal = modelRefusal(body.model, models);
    if (refusal) return sendError(res, refusal.status, refusal.message, 'invalid_request_error', refusal.code);
    if (limiter) {
      const admitted = limiter.admit(estimateTokens(recorded));
      for (const [name, value] of Object.entries(limiter.headers())) res.setHeader(name, value);
      if (!admitted.ok) {
        usage.rateLimited += 1;
        return sendRateLimit(res, body.model, { kind: 'rate_limit', limit: admitted.limit, wait: `${(admitted.waitMs / 1000).toFixed(3)}s` });
      }
    }
    // Taken before the image check awaits, so a request a test has already abandoned cannot take the next test's reply.
    const reply = queue.shift() ?? fallback;
    const loaded = image ? await loadImage(image) : null;
    if (loaded && !Buffer.isBuffer(loaded)) return sendError(res, loaded.status, loaded.message, 'invalid_request_error', loaded.code);
    await respond(reply, res, body.model, recorded, loaded);
    if (res.statusCode === 200 && loaded && reply.kind === 'describe') usage.succeeded(loaded);
  }

  async function respond(reply: FakeReply, res: http.ServerResponse, model: string, request: RecordedRequest, image: Buffer | null): Promise<void> {
    switch (reply.kind) {
      case 'held':
        await reply.until;
        return respond(reply.then, res, model, request, image);
      case 'hang':
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json', ...rateLimitHeaders() });
        res.end('{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Navy');
        return;
      case 'empty_choices':
        return sendJson(res, 200, completionBody(model, null, { prompt: estimateTokens(request), completion: 0 }, []));
      case 'status':
        return sendError(res, reply.status, reply.message ?? defaultStatusMessage(reply.status), reply.type ?? defaultStatusType(reply.status), reply.code);
      case 'rate_limit':
        return sendRateLimit(res, model, reply);
      case 'text':
        return sendJson(
          res,
          200,
          completionBody(model, reply.content, {
            prompt: reply.promptTokens ?? estimateTokens(request),
            completion: reply.completionTokens ?? Math.ceil((reply.content ?? '').length / 4),
          }),
        );
      case 'translate': {
        const content = translatePlausibly(request.userText, reply.answerIn);
        if (content === null) return sendError(res, 400, 'the fake was told to translate, but the request is not a translation request', 'invalid_request_error');
        return sendJson(res, 200, completionBody(model, content, { prompt: estimateTokens(request), completion: Math.ceil(content.length / 4) }));
      }
      case 'describe': {
        // JSON mode is how eval:alt's judge asks; a text-only request with a source text is a translation; anything else is a request for alt text.
        const translation = image ? null : translatePlausibly(request.userText);
        const content =
          request.body?.response_format?.type === 'json_object'
            ? judgePlausibly(request.userText)
            : (translation ?? (await describePlausibly(request.userText, image)));
        if (thinks(request.body, models)) return respond({ kind: 'reasoning', content, thinking: PLAUSIBLE_THINKING }, res, model, request, image);
        return sendJson(res, 200, completionBody(model, content, { prompt: estimateTokens(request), completion: Math.ceil(content.length / 4) }));
      }
      case 'reasoning':
        return sendJson(res, 200, reasoningBody(model, reply, request));
      case 'length': {
        const maxTokens = typeof request.body?.max_tokens === 'number' ? request.body.max_tokens : 1024;
        const reasoningTokens = reply.reasoningTokens ?? maxTokens - Math.ceil((reply.content ?? '').length / 4);
        const tokens = { prompt: estimateTokens(request), completion: maxTokens, reasoning: reasoningTokens };
        const choice = { index: 0, message: { role: 'assistant', content: reply.content ?? '' }, logprobs: null, finish_reason: 'length' };
        return sendJson(res, 200, completionBody(model, null, tokens, [choice]));
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    url,
    openaiBaseUrl: `${url}/openai/v1`,
    apiKey,
    requests,
    script: (...replies) => queue.push(...replies),
    setDefault: (reply) => {
      fallback = reply;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      fallback = { kind: 'describe' };
    },
    usage,
    waitForRequests: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(raw: string): ChatBody | null {
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' ? (value as ChatBody) : null;
  } catch {
    return null;
  }
}

type ContentPart = { type?: unknown; text?: unknown; image_url?: { url?: unknown } };

function userParts(body: ChatBody): ContentPart[] {
  return (body.messages ?? []).filter((m) => m.role === 'user').flatMap((m) => (Array.isArray(m.content) ? (m.content as ContentPart[]) : [{ type: 'text', text: m.content }]));
}

function userText(body: ChatBody): string {
  return userParts(body)
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('\n');
}

function findImage(body: ChatBody): ParsedImage | null {
  const part = userParts(body).find((p) => p.type === 'image_url' && typeof p.image_url?.url === 'string');
  if (!part) return null;
  const url = part.image_url?.url as string;
  return { transport: url.startsWith('data:') ? 'base64' : 'url', url };
}

function base64Bytes(dataUrl: string): number {
  return dataUrl.length - dataUrl.indexOf(',') - 1;
}

async function imageBytes(image: ParsedImage): Promise<Buffer | ImageRejection> {
  if (image.transport === 'base64') return Buffer.from(image.url.slice(image.url.indexOf(',') + 1), 'base64');
  try {
    const response = await fetch(image.url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return { status: 400, message: `failed to retrieve media: received status code ${response.status}`, code: 'invalid_image_url' };
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > GROQ_MAX_URL_IMAGE_BYTES) return { status: 400, message: 'Image URL content exceeds the maximum size of 20MB', code: 'image_too_large' };
    return bytes;
  } catch {
    return { status: 400, message: 'failed to retrieve media from the image URL', code: 'invalid_image_url' };
  }
}

type ImageRejection = { status: number; message: string; code?: string };

/** The image's bytes if Groq would accept them, or the error Groq answers with. */
async function loadImage(image: ParsedImage): Promise<Buffer | ImageRejection> {
  if (image.transport === 'base64' && base64Bytes(image.url) > GROQ_MAX_BASE64_BYTES) {
    return { status: 413, message: 'Request Entity Too Large: base64 encoded images are limited to 4MB', code: 'request_too_large' };
  }
  const bytes = await imageBytes(image);
  if (!Buffer.isBuffer(bytes)) return bytes;
  try {
    const { width = 0, height = 0 } = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (width * height > GROQ_MAX_PIXELS) {
      return { status: 400, message: `Image too large: ${width}x${height} exceeds the maximum of ${GROQ_MAX_PIXELS} pixels (33 megapixels)`, code: 'image_too_large' };
    }
    return bytes;
  } catch {
    return { status: 400, message: 'Invalid image data: the image could not be decoded', code: 'invalid_image' };
  }
}

function rateLimitHeaders(remainingRequests = RATE_LIMITS.requests - 1, remainingTokens = RATE_LIMITS.tokens - 1200): Record<string, string> {
  return {
    'x-ratelimit-limit-requests': String(RATE_LIMITS.requests),
    'x-ratelimit-limit-tokens': String(RATE_LIMITS.tokens),
    'x-ratelimit-remaining-requests': String(remainingRequests),
    'x-ratelimit-remaining-tokens': String(remainingTokens),
    'x-ratelimit-reset-requests': '1m26.4s',
    'x-ratelimit-reset-tokens': '4.8s',
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  // An enforced rate limit has already set its live headers on the response.
  const limits = res.hasHeader('x-ratelimit-remaining-requests') ? {} : rateLimitHeaders();
  res.writeHead(status, { 'content-type': 'application/json', ...limits, ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: http.ServerResponse, status: number, message: string, type: string, code?: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { message, type, ...(code ? { code } : {}) } }, headers);
}

function sendRateLimit(res: http.ServerResponse, model: string, reply: Extract<FakeReply, { kind: 'rate_limit' }>): void {
  const limit = reply.limit ?? 'tokens';
  const window = reply.window ?? 'minute';
  const wait = reply.wait === undefined ? '5.289s' : reply.wait;
  const name = `${limit} per ${window} (${limit === 'tokens' ? 'T' : 'R'}P${window === 'day' ? 'D' : 'M'})`;
  const usage = limit === 'tokens' ? 'Limit 15000, Used 11972, Requested 4351' : 'Limit 1000, Used 1000, Requested 1';
  const retryHint = wait ? ` Please try again in ${wait}.` : '';
  const message = `Rate limit reached for model \`${model}\` in organization \`org_fake\` service tier \`on_demand\` on ${name}: ${usage}.${retryHint} Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing`;
  const headerSeconds = reply.retryAfter === undefined ? (wait ? String(Math.ceil(goDurationSeconds(wait))) : null) : reply.retryAfter;
  const headers = {
    ...(res.hasHeader('x-ratelimit-remaining-requests') ? {} : rateLimitHeaders(limit === 'requests' ? 0 : RATE_LIMITS.requests - 1, limit === 'tokens' ? 0 : RATE_LIMITS.tokens - 1200)),
    ...(headerSeconds !== null ? { 'retry-after': headerSeconds } : {}),
  };
  sendError(res, 429, message, limit, reply.code ?? 'rate_limit_exceeded', headers);
}

/** Seconds in a Go-style duration ("2m57.984s", "924ms"); only for the fake's retry-after header. */
function goDurationSeconds(text: string): number {
  let seconds = 0;
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) {
    seconds += Number(value) * { h: 3600, m: 60, s: 1, ms: 0.001 }[unit as 'h' | 'm' | 's' | 'ms'];
  }
  return seconds;
}

function defaultStatusMessage(status: number): string {
  if (status === 413) return 'Request Entity Too Large';
  if (status === 503) return 'Service Unavailable: the model is over capacity, please try again';
  if (status >= 500) return 'Internal Server Error';
  return `Request failed with status ${status}`;
}

function defaultStatusType(status: number): string {
  return status >= 500 ? 'internal_server_error' : 'invalid_request_error';
}

function estimateTokens(request: RecordedRequest): number {
  const systemChars = (request.body?.messages ?? [])
    .filter((m) => m.role === 'system' && typeof m.content === 'string')
    .reduce((sum, m) => sum + (m.content as string).length, 0);
  return Math.ceil((systemChars + request.userText.length) / 4) + (request.image ? IMAGE_TOKENS : 0);
}

function completionBody(model: string, content: string | null, tokens: { prompt: number; completion: number; reasoning?: number }, choices?: unknown[]): unknown {
  const id = randomBytes(12).toString('hex');
  return {
    id: `chatcmpl-${id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: choices ?? [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
    usage: {
      queue_time: 0.018,
      prompt_tokens: tokens.prompt,
      prompt_time: 0.061,
      completion_tokens: tokens.completion,
      completion_time: 0.052,
      total_tokens: tokens.prompt + tokens.completion,
      total_time: 0.113,
      ...(tokens.reasoning === undefined ? {} : { completion_tokens_details: { reasoning_tokens: tokens.reasoning } }),
    },
    usage_breakdown: null,
    system_fingerprint: 'fp_fake0groq',
    x_groq: { id: `req_${id}` },
    service_tier: 'on_demand',
  };
}

/** Groq's answer for a model it does not serve: retired (400) or unknown (404), with its own wording. */
function modelRefusal(model: string, models: FakeModel[]): { status: number; message: string; code: string } | null {
  if (FAKE_GROQ_RETIRED_MODELS.includes(model)) {
    return {
      status: 400,
      code: 'model_decommissioned',
      message: `The model \`${model}\` has been decommissioned and is no longer supported. Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.`,
    };
  }
  if (!models.some((entry) => entry.id === model)) {
    return { status: 404, code: 'model_not_found', message: `The model \`${model}\` does not exist or you do not have access to it.` };
  }
  return null;
}

/** GET /openai/v1/models in Groq's shape, with the input modalities Groq lists per model. */
function modelListBody(models: FakeModel[]): unknown {
  return {
    object: 'list',
    data: models.map((model) => ({
      id: model.id,
      object: 'model',
      created: 1_786_000_000,
      owned_by: model.id.split('/')[0],
      active: true,
      context_window: 131_072,
      public_apps: null,
      max_completion_tokens: 16_384,
      input_modalities: model.images ? ['text', 'image'] : ['text'],
    })),
  };
}

const PLAUSIBLE_THINKING = 'The user wants one sentence of alt text. The photo shows the product on a plain background; name it, its colour and the setting.';

/** A reasoning model thinks unless the request turns it off with `reasoning_effort: "none"`. */
function thinks(body: ChatBody | null, models: FakeModel[]): boolean {
  return Boolean(models.find((entry) => entry.id === body?.model)?.reasoning) && body?.reasoning_effort !== 'none';
}

/** A reasoning answer as Groq shapes it for the request's reasoning_format: raw (inline `<think>`, the default), parsed or hidden. */
function reasoningBody(model: string, reply: Extract<FakeReply, { kind: 'reasoning' }>, request: RecordedRequest): unknown {
  const thinking = reply.thinking ?? PLAUSIBLE_THINKING;
  const format = typeof request.body?.reasoning_format === 'string' ? request.body.reasoning_format : 'raw';
  const answer = reply.unclosed ? '' : reply.content;
  const content = format === 'raw' ? `<think>\n${thinking}\n${reply.unclosed ? '' : '</think>\n\n'}${answer}` : answer;
  const reasoningTokens = reply.reasoningTokens ?? Math.ceil(thinking.length / 4);
  const message = { role: 'assistant', content, ...(format === 'parsed' ? { reasoning: thinking } : {}) };
  const tokens = { prompt: estimateTokens(request), completion: reasoningTokens + Math.ceil(answer.length / 4), reasoning: reasoningTokens };
  return completionBody(model, null, tokens, [{ index: 0, message, logprobs: null, finish_reason: 'stop' }]);
}

/**
 * An enforced rate limit, as Groq's: token buckets for requests and tokens that refill continuously over a
 * minute (`windowMs` compresses it for benchmarks), reported on every response in x-ratelimit-* headers
 * (remaining, and the time until the bucket is full again), and a 429 with the wait when a bucket is short.
 */
export interface FakeRateLimit {
  requestsPerMinute: number;
  tokensPerMinute: number;
  /** How long the fake's "minute" lasts (60000 by default). */
  windowMs?: number;
}

type Admission = { ok: true } | { ok: false; limit: 'requests' | 'tokens'; waitMs: number };

function enforcedRateLimit(limit: FakeRateLimit): { admit(tokens: number): Admission; headers(): Record<string, string> } {
  const windowMs = limit.windowMs ?? 60_000;
  const buckets = { requests: limit.requestsPerMinute, tokens: limit.tokensPerMinute };
  let refilledAt = performance.now();
  const refill = () => {
    const now = performance.now();
    const elapsed = now - refilledAt;
    refilledAt = now;
    buckets.requests = Math.min(limit.requestsPerMinute, buckets.requests + (elapsed * limit.requestsPerMinute) / windowMs);
    buckets.tokens = Math.min(limit.tokensPerMinute, buckets.tokens + (elapsed * limit.tokensPerMinute) / windowMs);
  };
  const untilFull = (current: number, capacity: number) => `${Math.max(0, ((capacity - current) * windowMs) / capacity / 1000).toFixed(3)}s`;
  return {
    admit(tokens) {
      refill();
      if (buckets.requests < 1) return { ok: false, limit: 'requests', waitMs: ((1 - buckets.requests) * windowMs) / limit.requestsPerMinute };
      if (buckets.tokens < tokens) return { ok: false, limit: 'tokens', waitMs: ((tokens - buckets.tokens) * windowMs) / limit.tokensPerMinute };
      buckets.requests -= 1;
      buckets.tokens -= tokens;
      return { ok: true };
    },
    headers() {
      return {
        'x-ratelimit-limit-requests': String(limit.requestsPerMinute),
        'x-ratelimit-limit-tokens': String(limit.tokensPerMinute),
        'x-ratelimit-remaining-requests': String(Math.max(0, Math.floor(buckets.requests))),
        'x-ratelimit-remaining-tokens': String(Math.max(0, Math.floor(buckets.tokens))),
        'x-ratelimit-reset-requests': untilFull(buckets.requests, limit.requestsPerMinute),
        'x-ratelimit-reset-tokens': untilFull(buckets.tokens, limit.tokensPerMinute),
      };
    },
  };
}

export interface FakeUsage {
  /** Successful alt-text answers per image (keyed by the SHA-256 of the image's bytes). */
  byImage: Map<string, number>;
  /** performance.now() of each successful alt-text answer. */
  succeededAt: number[];
  /** 429s sent by the enforced rate limit. */
  rateLimited: number;
  succeeded(image: Buffer): void;
}

function callUsage(): FakeUsage {
  const usage: FakeUsage = {
    byImage: new Map(),
    succeededAt: [],
    rateLimited: 0,
    succeeded(image) {
      const key = createHash('sha256').update(image).digest('hex');
      usage.byImage.set(key, (usage.byImage.get(key) ?? 0) + 1);
      usage.succeededAt.push(performance.now());
    },
  };
  return usage;
}
