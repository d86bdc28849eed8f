import Groq from 'groq-sdk';
import { chatVisionProvider, type ChatEndpoint, type ChatProviderSettings, type ChatRequest } from '../chat-provider';
import type { VisionProvider } from '../types';

/**
 * What Loupe asks of a reasoning model on Groq (VISION_REASONING): `off` turns thinking off
 * (`reasoning_effort: "none"`, which Groq documents for its qwen3 models) and keeps any that happens out of the
 * answer; `hidden` lets the model think but returns only the answer; `omit` sends neither, for models that
 * take no reasoning settings (Groq answers those with 400).
 */
export type ReasoningSetting = 'off' | 'hidden' | 'omit';

const REASONING_PARAMS: Record<ReasoningSetting, { reasoning_effort?: 'none'; reasoning_format?: 'hidden' }> = {
  off: { reasoning_effort: 'none', reasoning_format: 'hidden' },
  hidden: { reasoning_format: 'hidden' },
  omit: {},
};

export interface GroqConnection {
  apiKey: string;
  /** GROQ_BASE_URL: another host speaking Groq's API, such as the test fake. */
  baseUrl?: string;
  timeoutMs: number;
  reasoning: ReasoningSetting;
}

/**
 * Chat completions and the model list through groq-sdk. `maxRetries: 0`: the SDK would otherwise retry 429s
 * on its own; the policy is ours (policy.ts). Our AbortSignal enforces the real timeout; the SDK's is only a
 * backstop. Every request carries the reasoning settings, the eval judge's included.
 */
export function groqEndpoint(connection: GroqConnection): ChatEndpoint {
  const client = new Groq({ apiKey: connection.apiKey, baseURL: connection.baseUrl ?? null, maxRetries: 0, timeout: connection.timeoutMs + 5_000 });
  return {
    create: async (request, signal) => {
      const { data, response } = await client.chat.completions.create(groqChatBody(request, connection.reasoning), { signal }).withResponse();
      return { body: data, headers: response.headers };
    },
    list: (signal) => client.models.list({ signal }),
    keyVariable: 'GROQ_API_KEY',
  };
}

/** A chat request as Groq gets it, online or as a Batch API line: with the reasoning settings. */
export function groqChatBody(request: ChatRequest, reasoning: ReasoningSetting): ChatRequest & (typeof REASONING_PARAMS)[ReasoningSetting] {
  return { ...request, ...REASONING_PARAMS[reasoning] };
}

export function groqProvider(settings: Omit<ChatProviderSettings, 'name'> & GroqConnection): VisionProvider {
  return chatVisionProvider({ ...settings, name: 'groq' }, groqEndpoint(settings));
}
