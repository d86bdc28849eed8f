import { compileRules, rulesFor } from './language';

/**
 * Turns what a vision model returned into the bare sentence: models wrap alt text in preambles, quotes,
 * markdown, labels and offers of more help even when told not to. Inner quotes are transcribed text and stay.
 */

const CODE_FENCE_LINE = /^\s*```[\w-]*\s*$/;
const HEADING_LINE = /^\s*#{1,6}\s+/;
const CHATTY_OPENER = /^(?:(?:certainly|sure|of course|absolutely|okay|ok|great)\s*[!.,]\s*)?(?:here(?:'s|’s| is| are| you go)\b[^:\n]*:)?\s*/i;
/** Any short exclamation ("Sure thing!", "No problem.", "Happy to help!") that leads into a "here is…" preamble. */
const INTERJECTION_BEFORE_PREAMBLE = /^(?:[\p{L}'’]+[\s,]+){0,3}[\p{L}'’]+\s*[!.]\s*(?=here(?:'s|’s|\s+is|\s+are|\s+you\s+go)\b)/iu;
/** A reasoning model's thinking: a closed block, an unclosed one (cut off or never closed), or only its closing tag. */
const THINK_BLOCK = /<(think|thinking|reasoning)>[\s\S]*?(?:<\/\1>|$)/gi;
const THINK_CLOSE_ONLY = /^[\s\S]*?<\/(?:think|thinking|reasoning)>/i;
const LABEL_PREFIX = /^(?:alt(?:ernative)?[\s-]*text|description|caption)\s*:\s*/i;
const LIST_MARKER = /^(?:[-*•]|\d+[.)])\s+/;
const DESCRIBING_OPENER =
  /^(?:(?:this|the)\s+(?:image|photo|photograph|picture|product photo|shot)\s+(?:shows|depicts|features|displays|contains|presents|captures|is of)|this is (?:an?\s+)?(?:image|photo|photograph|picture) of|(?:an?\s+)?(?:image|photo|photograph|picture|product photo)\s+of)\s+(?:(?:a|an|the)\s+)?/i;
/** "Let me know if…", "I hope this helps", "Feel free…": a trailing offer, never part of the description. */
const TRAILING_OFFER = /(?:^|(?<=[.!?])\s+)(?:let me know|i hope (?:this|that)|feel free|would you like|if you(?:'d| would) like)\b[\s\S]*$/i;
const QUOTE_PAIRS: Array<[string, string]> = [
  ['"', '"'],
  ['“', '”'],
  ["'", "'"],
  ['‘', '’'],
  ['`', '`'],
  ['**', '**'],
  ['__', '__'],
  ['*', '*'],
];

/** The answer without the model's thinking; empty when the whole answer was thinking. */
export function stripReasoning(raw: string): string {
  return raw.replace(THINK_BLOCK, '').replace(THINK_CLOSE_ONLY, '').trim();
}

export interface CleanOptions {
  /** The locale the text was asked in: its language's openers, preambles and labels are removed too (English's always are). */
  locale?: string;
}

/** A locale's extra patterns, compiled once per language. */
interface LocalePatterns {
  preamble: RegExp;
  label: RegExp;
  opener: RegExp;
}
const compiled = new Map<string, LocalePatterns | null>();

function localePatterns(locale: string | undefined): LocalePatterns | null {
  if (!locale) return null;
  if (!compiled.has(locale)) {
    const rules = rulesFor(locale);
    compiled.set(
      locale,
      rules && {
        preamble: new RegExp(`^(?:${compileRules(rules.preambles)})\\s*`, 'iu'),
        label: new RegExp(`^(?:${compileRules(rules.labels)})\\s*:\\s*`, 'iu'),
        opener: new RegExp(`^(?:${compileRules(rules.describingOpeners)})(?:(?<=['’])|(?![\\p{L}\\p{N}]))\\s*(?:${compileRules(rules.articles)})?`, 'iu'),
      },
    );
  }
  return compiled.get(locale) ?? null;
}

export function cleanAltText(raw: string, options: CleanOptions = {}): string {
  const local = localePatterns(options.locale);
  const lines = stripReasoning(raw)
    .split(/\r?\n/)
    .filter((line) => !CODE_FENCE_LINE.test(line))
    .map((line) => line.trim())
    .filter(Boolean);
  // A heading line ("## Alt text") labels what follows; only when it is all there is does its text count.
  const body = lines.length > 1 ? lines.filter((line) => !HEADING_LINE.test(line)) : lines.map((line) => line.replace(HEADING_LINE, ''));
  let text = body.join(' ').replace(/\s+/g, ' ').trim();
  for (let pass = 0; pass < 8; pass++) {
    const next = stripOnce(text, local);
    if (next === text) break;
    text = next;
  }
  return capitaliseFirst(text);
}

function stripOnce(input: string, local: LocalePatterns | null): string {
  let text = input.trim();
  text = text.replace(TRAILING_OFFER, '').trim();
  text = text.replace(LIST_MARKER, '');
  text = text.replace(/^\*\*([^*]+?)\*\*\s*/, (whole, inner: string) => (LABEL_PREFIX.test(inner) ? '' : whole));
  text = text.replace(INTERJECTION_BEFORE_PREAMBLE, '');
  text = text.replace(CHATTY_OPENER, '');
  text = text.replace(LABEL_PREFIX, '');
  text = unwrap(text);
  text = text.replace(DESCRIBING_OPENER, '');
  if (local) text = text.replace(local.preamble, '').replace(local.label, '').replace(local.opener, '');
  return text.trim();
}

/** Removes one pair of surrounding quotes or markdown emphasis, but only when that marker does not also occur inside. */
function unwrap(text: string): string {
  for (const [open, close] of QUOTE_PAIRS) {
    if (text.length > open.length + close.length && text.startsWith(open) && text.endsWith(close)) {
      const inner = text.slice(open.length, text.length - close.length);
      if (!inner.includes(open) && !inner.includes(close)) return inner.trim();
    }
  }
  return text;
}

function capitaliseFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
