import { retryWaitMs } from './retry-after';
import type { AltFailure } from './types';

/**
 * Maps whatever an OpenAI-shaped SDK threw (groq-sdk and openai share the shape: `status`, `headers`, and the
 * JSON body in `error`) to a typed failure. Exceptions stop here: describe() never throws.
 */

export type AbortCause = 'timeout' | 'cancelled' | null;

export interface ClassifyOptions {
  abort: AbortCause;
  timeoutMs: number;
  maxRetryWaitMs: number;
}

interface ErrorShape {
  status?: unknown;
  headers?: unknown;
  error?: unknown;
  message?: unknown;
  name?: unknown;
}

/** A daily quota (RPD/TPD) or an exhausted balance will not clear in seconds, whatever the wait says. */
const QUOTA_MESSAGE = /\bper day\b|\((?:RPD|TPD)\)|insufficient[_ ]quota|exceeded your current quota|credits/i;
const REASONING_PARAMETER = /\breasoning_(?:effort|format)\b|\binclude_reasoning\b/;
const IMAGE_MESSAGE = /\b(?:image|media|pixels?|megapixels?)\b/i;

export function classifyFailure(error: unknown, options: ClassifyOptions): AltFailure {
  if (options.abort === 'timeout') return { ok: false, kind: 'timeout', message: `no answer within ${options.timeoutMs} ms` };
  if (options.abort === 'cancelled') return { ok: false, kind: 'timeout', message: 'cancelled before the provider answered' };
  const shape = (error && typeof error === 'object' ? error : {}) as ErrorShape;
  const status = typeof shape.status === 'number' ? shape.status : undefined;
  const headers = shape.headers instanceof Headers ? shape.headers : undefined;
  const message = providerMessage(shape);
  const code = providerCode(shape);

  if (status === undefined) {
    if (error instanceof SyntaxError) return { ok: false, kind: 'server_error', message: `malformed response: ${error.message}` };
    return { ok: false, kind: 'server_error', message: `connection failed: ${message}` };
  }
  if (code === 'model_decommissioned' || code === 'model_not_found') return { ok: false, kind: 'model_unavailable', message: `${status} ${code}: ${message}` };
  if (status === 401) return { ok: false, kind: 'invalid_key', message: `401: ${message}` };
  if (status === 429 || status === 402) return rateLimitFailure(status, message, headers, options.maxRetryWaitMs);
  if (status === 413) return { ok: false, kind: 'image_rejected', message: `413: ${message}` };
  if (status === 400 && IMAGE_MESSAGE.test(message)) return { ok: false, kind: 'image_rejected', message: `400: ${message}` };
  if (status === 408 || status >= 500) return { ok: false, kind: 'server_error', message: `${status}: ${message}` };
  if (status === 403) return { ok: false, kind: 'bad_request', message: `403: ${message} (check the provider's API key)` };
  // Groq refuses reasoning parameters for models that do not reason.
  if (status === 400 && REASONING_PARAMETER.test(message)) {
    return { ok: false, kind: 'bad_request', message: `400: ${message} (this model takes no reasoning settings: set VISION_REASONING=omit)` };
  }
  if (status === 404) return { ok: false, kind: 'bad_request', message: `404: ${message} (check the base URL and model name)` };
  return { ok: false, kind: 'bad_request', message: `${status}: ${message}` };
}

function rateLimitFailure(status: number, message: string, headers: Headers | undefined, maxRetryWaitMs: number): AltFailure {
  const retryAfterMs = retryWaitMs(headers, message);
  const wait = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 402 || QUOTA_MESSAGE.test(message)) return { ok: false, kind: 'quota_exhausted', message: `${status}: ${message}`, ...wait };
  const kind = retryAfterMs !== undefined && retryAfterMs > maxRetryWaitMs ? 'rate_limited_long' : 'rate_limited_short';
  return { ok: false, kind, message: `${status}: ${message}`, ...wait };
}

/** The provider's error code (`{"error": {"code"}}`), which names retired and unknown models exactly. */
function providerCode(shape: ErrorShape): string | undefined {
  const body = shape.error;
  if (!body || typeof body !== 'object') return undefined;
  const code = (body as { error?: { code?: unknown }; code?: unknown }).error?.code ?? (body as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The provider's own message (`{"error": {"message"}}`), else the SDK's. */
function providerMessage(shape: ErrorShape): string {
  const body = shape.error;
  if (body && typeof body === 'object') {
    const inner = (body as { error?: { message?: unknown }; message?: unknown }).error?.message ?? (body as { message?: unknown }).message;
    if (typeof inner === 'string') return inner;
  }
  return typeof shape.message === 'string' ? shape.message : String(shape.name ?? 'unknown error');
}
