import { cleanAltText } from './clean';
import type { AltContext } from './types';

/** The quality gate: nothing reaches the asset's alt text without passing it. */

export const MIN_ALT_LENGTH = 20;
export const MAX_ALT_LENGTH = 250;
const STUFFING_REPEATS = 3;

export type GateReason = 'empty' | 'too_short' | 'too_long' | 'refusal' | 'keyword_stuffing' | 'echo';

export type GateVerdict = { pass: true; text: string } | { pass: false; reason: GateReason; text: string };

const REFUSAL =
  /^(?:i'?m sorry|i am sorry|sorry|i apologi[sz]e|unfortunately)\b|\b(?:as an ai\b|i (?:can(?:no|')t|am unable to|'m unable to|am not able to|'m not able to|won't) (?:help|assist|provide|describe|identify|see|view|process|analy[sz]e))/i;

/** Words every sentence repeats; only other ("content") words count towards keyword stuffing and echoes. */
const FUNCTION_WORDS = new Set([
  'a', 'an', 'the', 'and', 'or', 'of', 'with', 'in', 'on', 'at', 'to', 'for', 'from', 'by', 'as', 'its', 'it',
  'is', 'are', 'into', 'onto', 'over', 'under', 'near', 'beside', 'against', 'behind', 'while', 'her', 'his',
  'their', 'one', 'two', 'three',
]);

export function passesGate(raw: string, context: AltContext): GateVerdict {
  const text = cleanAltText(raw);
  const reason = rejectionReason(text, context);
  return reason ? { pass: false, reason, text } : { pass: true, text };
}

function rejectionReason(text: string, context: AltContext): GateReason | null {
  if (!text) return 'empty';
  if (REFUSAL.test(text)) return 'refusal';
  if (isEcho(text, context)) return 'echo';
  if (text.length < MIN_ALT_LENGTH) return 'too_short';
  if (text.length > MAX_ALT_LENGTH) return 'too_long';
  if (isStuffed(text)) return 'keyword_stuffing';
  return null;
}

function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function contentWords(text: string): string[] {
  return words(text).filter((word) => !FUNCTION_WORDS.has(word));
}

/** Only the filename, tags or title given back: every content word comes from the catalogue data. */
function isEcho(text: string, context: AltContext): boolean {
  const known = new Set(
    [context.filename, context.title, context.collection, context.sku, ...context.tags].flatMap((value) => (value ? words(value) : [])),
  );
  const said = contentWords(text);
  return known.size > 0 && said.length > 0 && said.every((word) => known.has(word));
}

function isStuffed(text: string): boolean {
  const counts = new Map<string, number>();
  for (const word of contentWords(text)) {
    const count = (counts.get(word) ?? 0) + 1;
    if (count >= STUFFING_REPEATS) return true;
    counts.set(word, count);
  }
  return false;
}
