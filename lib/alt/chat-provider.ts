import { classifyFailure, type AbortCause } from './classify';
import { altMessages, videoAltMessages, type ChatMessage } from './prompt';
import type { AltResult, TokenUsage, VisionProvider } from './types';

/**
 * The describe() both providers share: groq-sdk and the openai client speak the same chat-completions
 * protocol, so a provider module only says how to make the one HTTP call. This owns the timeout (an
 * AbortSignal, plus a race so even a client that ignored the signal cannot hang us), the response parsing and
 * the failure classification.
 */

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature: number;
  max_tokens: number;
  /** JSON mode, for the eval judge. */
  response_format?: { type: 'json_object' };
}

/** One chat-completions call with the SDK's own retries off; resolves to the parsed JSON body. */
export type CreateCompletion = (request: ChatRequest, signal: AbortSignal) => Promise<unknown>;

export interface ChatProviderSettings {
  name: string;
  model: string;
  temperature: number;
  maxTokens: number;
  timeoutMs: number;
  maxRetryWaitMs: number;
}

export function chatVisionProvider(settings: ChatProviderSettings, create: CreateCompletion): VisionProvider {
  return {
    name: settings.name,
    model: settings.model,
    describe: (input) =>
      callChat(
        create,
        { model: settings.model, messages: input.frames ? videoAltMessages(input.frames, input.context) : altMessages(input.image, input.context), temperature: settings.temperature, max_tokens: settings.maxTokens },
        { timeoutMs: settings.timeoutMs, maxRetryWaitMs: settings.maxRetryWaitMs, signal: input.signal },
      ),
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
    (body) => parseCompletion(body, Math.round(performance.now() - started)),
    (error: unknown) => classify(error),
  );
  const aborted = new Promise<AltResult>((resolve) => {
    const settle = () => resolve(classify(signal.reason));
    if (signal.aborted) settle();
    else signal.addEventListener('abort', settle, { once: true });
  });
  const result = await Promise.race([call, aborted]);
  return { ...result, latencyMs: Math.round(performance.now() - started) };
}

interface CompletionShape {
  choices?: Array<{ message?: { content?: unknown } }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
}

function parseCompletion(body: unknown, latencyMs: number): AltResult {
  if (!body || typeof body !== 'object') return { ok: false, kind: 'server_error', message: 'malformed response: not a JSON object' };
  const completion = body as CompletionShape;
  if (!Array.isArray(completion.choices) || completion.choices.length === 0) {
    return { ok: false, kind: 'server_error', message: 'the provider answered with no choices' };
  }
  const content = completion.choices[0]?.message?.content;
  return { ok: true, text: typeof content === 'string' ? content : '', usage: usageOf(completion), latencyMs };
}

function usageOf(completion: CompletionShape): TokenUsage {
  const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  return { inputTokens: count(completion.usage?.prompt_tokens), outputTokens: count(completion.usage?.completion_tokens) };
}
