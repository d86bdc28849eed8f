import type { Failure, Result } from '@/lib/result';
import type { GateReason } from './gate';
import type { ChatMessage } from './prompt';
import type { RateLimitSignal } from './rate-limit-headers';

/**
 * The vision provider contract (design.md, "Providers"): `describe()` never throws and never hangs; every
 * expected failure is a value with one of these kinds.
 */

export const ALT_FAILURE_KINDS = [
  'timeout',
  'rate_limited_short',
  'rate_limited_long',
  'quota_exhausted',
  'bad_request',
  'image_rejected',
  'server_error',
  'gate_rejected',
  'no_provider',
  /** The answer hit max_tokens (`finish_reason: "length"`): a cut-off sentence is never alt text. */
  'truncated',
  /** The configured model is retired (`model_decommissioned`) or unknown (`model_not_found`): VISION_MODEL must change. */
  'model_unavailable',
  /** The provider refused the API key (401). */
  'invalid_key',
] as const;
export type AltFailureKind = (typeof ALT_FAILURE_KINDS)[number];

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Thinking tokens within outputTokens; null when the provider's usage does not say. */
  reasoningTokens: number | null;
}

/**
 * `usage` where the call was billed even though it failed (an answer cut off at the token limit); `rejected`
 * where the quality gate refused the answer (a translation: the text is kept for review, never written).
 */
export type AltFailure = Failure<{
  kind: AltFailureKind;
  message: string;
  retryAfterMs?: number;
  latencyMs?: number;
  usage?: TokenUsage;
  rateLimit?: RateLimitSignal;
  rejected?: { text: string; reason: GateReason };
}>;

export type AltResult = Result<{ text: string; usage: TokenUsage; latencyMs: number; rateLimit?: RateLimitSignal }, AltFailure>;

/** What the catalogue knows about the photo. The filename is kept here even when meaningless: the gate needs it to spot echoes. */
export interface AltContext {
  title?: string;
  tags: string[];
  collection?: string;
  sku?: string;
  filename?: string;
  /** The product the photo belongs to, so a back view or a detail is not described like the main image. */
  product?: ProductPhotoContext;
}

/** Which of its product's photos this is, and what people approved for the others (so the model does not repeat it). */
export interface ProductPhotoContext {
  title: string;
  /** 1-based place among the product's photos, in their order (position 0, the main image, first). */
  photo: number;
  photos: number;
  isMain: boolean;
  /** Approved alt text of the product's other photos: a few, each cut short. */
  otherPhotosAlt: string[];
}

export interface DescribeInput {
  /** A data URL (`data:image/webp;base64,…`) or a short-lived https URL the provider can fetch. */
  image: string;
  /** A video's keyframes in time order (data or https URLs, `image` being the first): sent in one request with the video prompt. */
  frames?: string[];
  context: AltContext;
  /** The locale the text is asked in: the gate refuses an answer in another language. Absent: the English gate as before. */
  locale?: string;
  signal?: AbortSignal;
}

export interface VisionProvider {
  /** Provider-wide back-off state is keyed by this name (`groq`, `openai`). */
  readonly name: string;
  readonly model: string;
  /** The variable that names the model or key, for messages that tell an admin what to change. */
  readonly keyVariable: string;
  describe(input: DescribeInput): Promise<AltResult>;
  /** A text-only chat call with the provider's model and settings (a translation); absent where the provider has none. */
  complete?(input: { messages: ChatMessage[]; signal?: AbortSignal }): Promise<AltResult>;
  /** The provider's model list (`GET …/models`). */
  listModels(): Promise<ModelList>;
}

/** One entry of a provider's model list; `images` only where the list says which inputs the model takes. */
export interface ListedModel {
  id: string;
  images?: boolean;
}

export type ModelList = { ok: true; models: ListedModel[] } | { ok: false; kind: 'invalid_key' | 'unreachable'; message: string };
