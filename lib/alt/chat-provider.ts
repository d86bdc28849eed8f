import { stripReasoning } from './clean';
import { classifyFailure, type AbortCause } from './classify';
import { altMessages, videoAltMessages, type ChatMessage } from './prompt';
import { rateLimitSignal } from './rate-limit-headers';
import type { AltResult, ModelList, TokenUsage, VisionProvider } from './types';

/**
 * The describe() both providers share: groq-sdk and the openai client speak the same chat-completions
 * protocol, so a provider module only says how to make the one HTTP call (and how to list models). This owns
 * the timeout (an AbortSignal, plus a race so even a client that ignored the signal cannot hang us), the
 * response parsing and the failure classification.
 */

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature: number;
  max_tokens: number;
  /** JSON mode, for the eval judge. */
  response_format?: { type: 'json_object' };
}

/** One chat-completions call with the SDK's own retries off; resolves to the parsed JSON body and the response's headers (the pacer reads the rate-limit ones). */
export type CreateCompletion = (request: ChatRequest, signal: AbortSignal) => Promise<{ body: unknown; headers?: Headers }>;

/** `GET …/models`: resolves to the parsed JSON body, or throws what the SDK threw. */
export type ListModelsCall = (signal: AbortSignal) => Promise<unknown>;

export interface ChatProviderSettings {
  name: string;
  model: string;
  temperature: number;
  maxTokens: number;
  timeoutMs: number;
  maxRetryWaitMs: number;
}

export interface ChatEndpoint {
  create: CreateCompletion;
  list: ListModelsCall;
  /** The variable holding this endpoint's key, named in "invalid key" messages. */
  keyVariable: string;
}

export function chatVisionProvider(settings: ChatProviderSettings, endpoint: ChatEndpoint): VisionProvider {
  return {
    name: settings.name,
    model: settings.model,
    keyVariable: endpoint.keyVariable,
    describe: (input) =>
      callChat(
        endpoint.create,
        { model: settings.model, messages: input.frames ? videoAltMessages(input.frames, input.context) : altMessages(input.image, input.context), temperature: settings.temperature, max_tokens: settings.maxTokens },
        { timeoutMs: settings.timeoutMs, maxRetryWaitMs: settings.maxRetryWaitMs, signal: input.signal },
      ),
    complete: (input) =>
      callChat(
        endpoint.create,
        { model: settings.model, messages: input.messages, temperature: settings.temperature, max_tokens: settings.maxTokens },
        { timeoutMs: settings.timeoutMs, maxRetryWaitMs: settings.maxRetryWaitMs, signal: input.signal },
      ),
    listModels: () => listModels(endpoint.list, settings.timeoutMs),
  };
}

/** One chat-completions call as a typed result: the message text with usage and latency, or a classified failure. */
export async function callChat(
  create: CreateCompletion,
  request: ChatRequest,
  options: { timeoutMs: number; maxRetryWaitMs: number; signal?: AbortSignal },
): Promise<AltResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const abortCause = (): AbortCause => (timeout.aborted ? 'timeout' : options.signal?.aborted ? 'cancelled' : null);
  const classify = (error: unknown) => classifyFailure(error, { abort: abortCause(), timeoutMs: options.timeoutMs, maxRetryWaitMs: options.maxRetryWaitMs });
  const started = performance.now();
  const call = create(request, signal).then(
    ({ body, headers }) => withSignal(parseCompletion(body, Math.round(performance.now() - started), request.max_tokens), headers),
    (error: unknown) => withSignal(classify(error), errorHeaders(error)),
  );
  const aborted = new Promise<AltResult>((resolve) => {
    const settle = () => resolve(classify(signal.reason));
    if (signal.aborted) settle();
    else signal.addEventListener('abort', settle, { once: true });
  });
  const result = await Promise.race([call, aborted]);
  return { ...result, latencyMs: Math.round(performance.now() - started) };
}

function withSignal(result: AltResult, headers: Headers | undefined): AltResult {
  const rateLimit = rateLimitSignal(headers);
  return rateLimit ? { ...result, rateLimit } : result;
}

function errorHeaders(error: unknown): Headers | undefined {
  const headers = error && typeof error === 'object' ? (error as { headers?: unknown }).headers : undefined;
  return headers instanceof Headers ? headers : undefined;
}

interface CompletionShape {
  choices?: Array<{ message?: { content?: unknown }; finish_reason?: unknown }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown; completion_tokens_details?: { reasoning_tokens?: unknown } | null };
}

function parseCompletion(body: unknown, latencyMs: number, maxTokens: number): AltResult {
  if (!body || typeof body !== 'object') return { ok: false, kind: 'server_error', message: 'malformed response: not a JSON object' };
  const completion = body as CompletionShape;
  if (!Array.isArray(completion.choices) || completion.choices.length === 0) {
    return { ok: false, kind: 'server_error', message: 'the provider answered with no choices' };
  }
  const [choice] = completion.choices;
  const usage = usageOf(completion);
  if (choice?.finish_reason === 'length') {
    const thinking = usage.reasoningTokens ? ` (${usage.reasoningTokens} of them reasoning)` : '';
    return {
      ok: false,
      kind: 'truncated',
      message: `the answer was cut off at the ${maxTokens}-token limit${thinking}; raise VISION_MAX_TOKENS or turn reasoning off (VISION_REASONING=off)`,
      usage,
      latencyMs,
    };
  }
  const content = choice?.message?.content;
  // A reasoning model's thinking is never part of the answer, even when the provider sent it inline.
  return { ok: true, text: typeof content === 'string' ? stripReasoning(content) : '', usage, latencyMs };
}

function usageOf(completion: CompletionShape): TokenUsage {
  const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  return {
    inputTokens: count(completion.usage?.prompt_tokens) ?? 0,
    outputTokens: count(completion.usage?.completion_tokens) ?? 0,
    reasoningTokens: count(completion.usage?.completion_tokens_details?.reasoning_tokens),
  };
}

/** The admin page waits for the list: a slow provider must not hold it for a whole describe timeout. */
const LIST_TIMEOUT_MS = 5_000;

/** The provider's model list as typed entries; a refused key and an unreachable endpoint are typed failures. */
async function listModels(list: ListModelsCall, timeoutMs: number): Promise<ModelList> {
  try {
    const body = await list(AbortSignal.timeout(Math.min(timeoutMs, LIST_TIMEOUT_MS)));
    const data = (body as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) return { ok: false, kind: 'unreachable', message: 'the model list was not a list' };
    return { ok: true, models: data.flatMap(listedModel) };
  } catch (error) {
    const failure = classifyFailure(error, { abort: null, timeoutMs, maxRetryWaitMs: 0 });
    return { ok: false, kind: failure.kind === 'invalid_key' ? 'invalid_key' : 'unreachable', message: failure.message };
  }
}

interface ModelEntry {
  id?: unknown;
  input_modalities?: unknown;
  architecture?: { input_modalities?: unknown };
}

/** Groq lists `input_modalities` on some entries and OpenRouter under `architecture`; absent means "the list does not say". */
function listedModel(entry: unknown): Array<{ id: string; images?: boolean }> {
  const model = (entry ?? {}) as ModelEntry;
  if (typeof model.id !== 'string') return [];
  const modalities = model.input_modalities ?? model.architecture?.input_modalities;
  return [Array.isArray(modalities) ? { id: model.id, images: modalities.includes('image') } : { id: model.id }];
}
