// First: other folders' schemas read these limits while they load, and lib/alt sits in import cycles through
// lib/jobs, so the leaf module must be evaluated before any module that leads back into such a cycle.
export { MAX_HUMAN_ALT_LENGTH } from './limits';
export { describeStep } from './describe-step';
export { describeAsset, type DescribeAssetOutcome } from './describe-asset';
export { generateAlt, type GenerateOutcome } from './generate';
export { passesGate, type GateVerdict, type GateReason } from './gate';
export { cleanAltText } from './clean';
export { PROMPT_VERSION, SYSTEM_PROMPT } from './prompt';
export { altContextFor, isMeaningfulFilename } from './context';
export { visionProviderFrom, groqProvider, openAiCompatibleProvider } from './providers';
export { configuredVisionProvider } from './configured';
export { databaseBackoff, memoryBackoff, type ProviderBackoff, type ProviderBlock } from './provider-state';
export { assetEditBody, editAsset, type AssetEdit, type EditResult } from './edit';
export { editorOf, isPersonText, statusOfWrittenText, type Editor } from './authorship';
export { patchAsset, type PatchAssetResult } from './patch-asset';
export { requestRegeneration, isDescribing, PERSON_REGENERATION_INPUT, type RegenerateResult, type RegenerationJob } from './regenerate';
export { altHistoryOf, type AltHistoryEntry } from './history';
export { writeAlt, altEvents, type AltWrite, type AssetUpdate } from './write';
export { ALT_FAILURE_KINDS, type AltFailureKind, type AltResult, type AltContext, type VisionProvider } from './types';
export { cachedModelCheck, runStartupModelCheck, type ModelCheck } from './model-check';
export { checkConfiguredModelAtStartup } from './startup';
export { writeShopAlt, type ShopAltWrite } from './write';
export { costUsd, remainingBudget, tokensPerCall, type Budget } from './budget';
export { type PaceLimits } from './pacing';
export { callChat } from './chat-provider';
export type { CreateCompletion } from './chat-provider';
export { regenerationInput, visionConfigured } from './describe-step';
export { toDataUrl } from './image';
export { visionCallLimiter } from './limiter';
export type { RetryOptions } from './policy';
export { VIDEO_PROMPT_VERSION } from './prompt';
export { clearProviderBlock } from './provider-state';
export { completionsFrom, groqEndpoint } from './providers';
export type { TokenUsage } from './types';
export { batchStep, queueDescribeBatches, recentBatches, BATCH_PRICE_SHARE, BATCH_NEEDS_GROQ, type BatchView, type QueuedBatches } from './batch';
export { batchLine, packBatches, GROQ_BATCH_LIMITS, type BatchFileLimits } from './batch-lines';
export { type GateOptions } from './gate';
export { checkLanguage, loadLanguageIdentifier, languageOf, languageName, GATE_LANGUAGES, LANGUAGE_RULES, WRONG_LANGUAGE_MARGIN, MIN_SEGMENT_WORDS, type LanguageCheck, type GateLanguage } from './language';
export { translateAlt, translationMessages, configuredTranslateDeps, TRANSLATE_PROMPT_VERSION, TRANSLATE_SYSTEM_PROMPT, type TranslateInput, type TranslateDeps, type TranslationProduct } from './translate';
export {
  mirrorSourceRecords,
  ensureRecords,
  proposeTranslation,
  failTranslation,
  editLocaleText,
  importLocaleText,
  markTranslationsStale,
  recordsOf,
  recordView,
  sourceHashOf,
  type AltTextRecord,
  type LocaleEdit,
} from './records';
export { altTextsOf, localeAltBody, patchLocaleAlt, type LocaleAltBody, type PatchLocaleResult } from './locale-texts';
export { translateStep, translationSubscriber, queueTranslations } from './translate-step';
export { LOCALE_STATUSES, localeStatusCondition, decideRecords, recordLocaleEvents, currentRecords, type LocaleStatus, type LocaleAction } from './records';
