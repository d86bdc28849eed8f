import { cleanAltText } from './clean';
import { checkLanguage, compileRules, rulesFor } from './language';
import type { AltContext } from './types';

/** The quality gate: nothing reaches the asset's alt text without passing it. */

export const MIN_ALT_LENGTH = 20;
export const MAX_ALT_LENGTH = 250;
const STUFFING_REPEATS = 3;

export type GateReason = 'empty' | 'too_short' | 'too_long' | 'refusal' | 'keyword_stuffing' | 'echo' | 'markup' | 'url' | 'instructions' | 'wrong_language';

/** `message` says what was wrong where the reason alone does not (which language the answer was in). */
export type GateVerdict = { pass: true; text: string } | { pass: false; reason: GateReason; text: string; message?: string };

export interface GateOptions {
  /**
   * The locale the answer was asked in: an answer confidently in another language, or mixing in one, is refused
   * (wrong_language; see language.ts for how sure the detector must be), and the locale's language's openers,
   * refusals and function words apply beside English's. Without it the gate is the English gate it always was.
   * The language identifier loads on first need: await loadLanguageIdentifier() once before passing a locale.
   */
  locale?: string;
}

/** What a model says it cannot do; matched on text whose apostrophes are normalised, so "I’m" and "I'm" are one. */
const REFUSED_ACT = String.raw`(?:help|assist|provide|describe|identify|see|view|process|analy[sz]e|determine|make out|access|tell|read|recogni[sz]e|comply|generate|write|create|fulfil+)`;
const REFUSAL = new RegExp(
  [
    String.raw`^(?:i'?m sorry|i am sorry|sorry|i apologi[sz]e|unfortunately)\b`,
    String.raw`\bas an ai\b`,
    // "I'm unable to", "I am not able to", "I'm not able to"
    String.raw`\bi(?:'m|\s+am)\s+(?:not\s+able|unable)\s+to\b`,
    // "I can't describe", "I cannot help", "I won't identify", "I couldn't really see"
    String.raw`\bi\s+(?:can't|cannot|can\s+not|couldn't|could\s+not|won't|will\s+not|am\s+not\s+going\s+to)\s+(?:\w+\s+)?${REFUSED_ACT}\b`,
    String.raw`\b(?:unable|not\s+able)\s+to\s+${REFUSED_ACT}\b`,
  ].join('|'),
  'i',
);
/** HTML or XML tags, entities, comments, markdown links and template braces: alt text is plain prose. */
const MARKUP = /<\/?[a-z][^>]*>|<!--|&(?:[a-z]+|#\d+|#x[\da-f]+);|\[[^\]]*\]\([^)]*\)|\{\{|\}\}|\bjavascript:/i;
/** A scheme, a `www.` host, or a bare domain under a common top-level domain. */
const URL_LIKE =
  /\b(?:https?|ftp|data|file):\/?\/?\S|\bwww\.[a-z\d-]|\b[a-z\d][a-z\d-]*(?:\.[a-z\d-]+)*\.(?:com|net|org|io|co|uk|de|fr|eu|shop|store|biz|info|app|dev|ly|me|xyz|ai|site|online)(?=$|[\/\s,;:!?)]|\.(?:\s|$))/i;
/** Text that addresses the model instead of describing a photo, as injected through catalogue data. */
const INSTRUCTIONS = new RegExp(
  [
    String.raw`\b(?:ignore|disregard|forget|override|bypass|skip)\s+(?:(?:all|any|the|your|these|those|of|every)\s+)*(?:(?:previous|prior|above|earlier|preceding|former|system|original|following|other)\s+)?(?:instructions?|prompts?|rules|directions|directives|guidelines|context|messages?|commands?)\b`,
    String.raw`\b(?:system|developer|hidden)\s+(?:prompt|message|instructions?)\b`,
    String.raw`\b(?:new|updated|real)\s+instructions?\b`,
    String.raw`\byou\s+(?:are|will)\s+now\b`,
    String.raw`\b(?:jailbreak|prompt\s+injection)\b`,
    String.raw`\b(?:output|print|return|respond\s+with|reply\s+with|answer\s+with)\s+(?:only\s+)?(?:the\s+following|exactly|verbatim|this)\b`,
  ].join('|'),
  'i',
);
/** Field names a model puts before catalogue values it copies ("Title: …, Tags: …"): they add no description. */
const FIELD_LABELS = new Set(['title', 'tags', 'tag', 'sku', 'collection', 'filename', 'file', 'name', 'product', 'category', 'keywords']);

/** Words every sentence repeats; only other ("content") words count towards keyword stuffing and echoes. */
const FUNCTION_WORDS = new Set([
  'a', 'an', 'the', 'and', 'or', 'of', 'with', 'in', 'on', 'at', 'to', 'for', 'from', 'by', 'as', 'its', 'it',
  'is', 'are', 'into', 'onto', 'over', 'under', 'near', 'beside', 'against', 'behind', 'while', 'her', 'his',
  'their', 'one', 'two', 'three',
]);

/** A locale's refusals and function words, beside English's. */
interface LocaleGate {
  refusal: RegExp | null;
  functionWords: Set<string>;
}
const ENGLISH_GATE: LocaleGate = { refusal: null, functionWords: FUNCTION_WORDS };
const localeGates = new Map<string, LocaleGate>();

function localeGate(locale: string | undefined): LocaleGate {
  const rules = rulesFor(locale);
  if (!locale || !rules) return ENGLISH_GATE;
  let gate = localeGates.get(locale);
  if (!gate) {
    gate = { refusal: new RegExp(compileRules(rules.refusals), 'iu'), functionWords: new Set([...FUNCTION_WORDS, ...rules.functionWords]) };
    localeGates.set(locale, gate);
  }
  return gate;
}

export function passesGate(raw: string, context: AltContext, options: GateOptions = {}): GateVerdict {
  const text = cleanAltText(raw, { locale: options.locale });
  const rejection = rejectionOf(text, context, options.locale);
  if (!rejection) return { pass: true, text };
  return typeof rejection === 'string' ? { pass: false, reason: rejection, text } : { pass: false, ...rejection, text };
}

function rejectionOf(text: string, context: AltContext, locale: string | undefined): GateReason | { reason: GateReason; message: string } | null {
  const gate = localeGate(locale);
  if (!text) return 'empty';
  const apostrophes = text.replace(/[’‘ʼ]/g, "'");
  if (REFUSAL.test(apostrophes) || gate.refusal?.test(apostrophes)) return 'refusal';
  if (MARKUP.test(text)) return 'markup';
  if (URL_LIKE.test(text)) return 'url';
  if (INSTRUCTIONS.test(text)) return 'instructions';
  if (isEcho(text, context, gate.functionWords)) return 'echo';
  if (locale) {
    const language = checkLanguage(text, locale);
    if (language.kind === 'wrong' || language.kind === 'mixed') return { reason: 'wrong_language', message: language.message };
  }
  if (text.length < MIN_ALT_LENGTH) return 'too_short';
  if (text.length > MAX_ALT_LENGTH) return 'too_long';
  if (isStuffed(text, gate.functionWords)) return 'keyword_stuffing';
  return null;
}

function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function contentWords(text: string, functionWords: Set<string>): string[] {
  return words(text).filter((word) => !functionWords.has(word));
}

/** Only the filename, tags or title given back (labelled or not): every content word comes from the catalogue data. */
function isEcho(text: string, context: AltContext, functionWords: Set<string>): boolean {
  const known = new Set(
    [context.filename, context.title, context.collection, context.sku, ...context.tags].flatMap((value) => (value ? words(value) : [])),
  );
  const said = contentWords(text, functionWords).filter((word) => !FIELD_LABELS.has(word));
  return known.size > 0 && said.length > 0 && said.every((word) => known.has(word));
}

function isStuffed(text: string, functionWords: Set<string>): boolean {
  const counts = new Map<string, number>();
  for (const word of contentWords(text, functionWords)) {
    const count = (counts.get(word) ?? 0) + 1;
    if (count >= STUFFING_REPEATS) return true;
    counts.set(word, count);
  }
  return false;
}
