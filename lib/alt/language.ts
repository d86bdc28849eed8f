/**
 * Which language a piece of alt text is in, and the per-language rules the cleaner and the quality gate apply.
 *
 * Identification: eld (Efficient Language Detector, Apache-2.0, offline n-gram tables). Chosen over tinyld and
 * franc-min after measuring them on short alt-text-like sentences in en/fr/de/es/it/pt/nl
 * (test/alt-language-corpus.ts): eld named all 70 right, franc-min confused es/pt and en/nl
 * (66/70), tinyld read Dutch, Italian and Portuguese as English (63/70); cld3-asm is a WebAssembly build of a
 * library Google no longer updates. The "small" table (1.6 MB) was as accurate as the large one on this corpus.
 * Loading it takes most of a second and some 50 MB of heap, so it loads on first need (loadLanguageIdentifier),
 * never in a process that checks no locale (one configured locale: the English gate as before).
 */

type Detector = (typeof import('eld/small'))['eld'];
let detector: Detector | undefined;
let loading: Promise<void> | undefined;

/** Loads eld's tables once per process; await it before passesGate or checkLanguage with a locale (translateAlt and generateAlt do). */
export function loadLanguageIdentifier(): Promise<void> {
  loading ??= import('eld/small').then((module) => {
    detector = module.eld;
  });
  return loading;
}

function loadedDetector(): Detector {
  if (!detector) throw new Error('the language identifier is not loaded: await loadLanguageIdentifier() before checking a locale');
  return detector;
}

/** The languages whose opener, refusal and function-word tables exist; others are only identified. */
export const GATE_LANGUAGES = ['en', 'fr', 'de', 'es', 'it', 'pt', 'nl'] as const;
export type GateLanguage = (typeof GATE_LANGUAGES)[number];

/**
 * How sure eld must be before an answer is refused: its own "reliable" verdict, the detected language scoring at
 * least this much above the asked one, and at least MIN_SEGMENT_WORDS words of prose (quoted text left out).
 * Measured on test/alt-language-corpus.ts (language.test.ts prints the table): no right answer refused, whole or
 * cut to its first 6 words; 418 of 420 wrong-language answers refused whole (two Spanish/Portuguese/Italian
 * pairs were too close to call), 409 of 420 cut to 6 words. At 5 words one right answer was refused; at a
 * margin of 0 or 0.02, two to seven were. Shorter texts are let through: too little to tell.
 */
export const WRONG_LANGUAGE_MARGIN = 0.05;
/** Fewer words than this (the whole text, or a clause when looking for a mixed-in language) are not judged. */
export const MIN_SEGMENT_WORDS = 6;

/** `fr-CA`, `pt_BR`, `DE` → `fr`, `pt`, `de`: the language part of a locale, lower-cased. */
export function languageOf(locale: string): string {
  return locale.trim().split(/[-_]/)[0]!.toLowerCase();
}

export function isGateLanguage(language: string): language is GateLanguage {
  return (GATE_LANGUAGES as readonly string[]).includes(language);
}

const LANGUAGE_NAMES: Record<string, string> = {
  en: 'English', fr: 'French', de: 'German', es: 'Spanish', it: 'Italian', pt: 'Portuguese', nl: 'Dutch',
  ca: 'Catalan', da: 'Danish', sv: 'Swedish', no: 'Norwegian', fi: 'Finnish', pl: 'Polish', cs: 'Czech',
  ro: 'Romanian', hu: 'Hungarian', tr: 'Turkish', ru: 'Russian', ja: 'Japanese', zh: 'Chinese', ko: 'Korean',
};

/** The language's English name for messages ("French"), or its code when not in the short list. */
export function languageName(language: string): string {
  return LANGUAGE_NAMES[language] ?? language;
}

export type LanguageCheck =
  | { kind: 'matches' }
  /** Too little text, or no confident answer: the gate lets it through. */
  | { kind: 'unsure' }
  | { kind: 'wrong'; detected: string; message: string }
  | { kind: 'mixed'; detected: string; segment: string; message: string };

interface Identified {
  language: string;
  confident: boolean;
}

/** Quoted text is transcribed from the product (a brand, a label) and may be in any language: it is left out. */
const QUOTED = /"[^"]*"|“[^”]*”|„[^“”]*[“”]|«[^»]*»|‘[^’]*’/g;

function identify(text: string, expected: string): Identified {
  const result = loadedDetector().detect(text);
  if (!result.language) return { language: '', confident: false };
  const scores = result.getScores();
  const margin = (scores[result.language] ?? 0) - (scores[expected] ?? 0);
  return { language: result.language, confident: result.isReliable() && margin >= WRONG_LANGUAGE_MARGIN };
}

function wordCount(text: string): number {
  return text.split(/[^\p{L}\p{N}]+/u).filter(Boolean).length;
}

/** Clauses split at punctuation, each merged with the next until it has MIN_SEGMENT_WORDS words. */
function segments(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const clause of text.split(/[,;:()–—]|\s-\s/)) {
    current = current ? `${current} ${clause.trim()}` : clause.trim();
    if (wordCount(current) >= MIN_SEGMENT_WORDS) {
      out.push(current);
      current = '';
    }
  }
  if (current && out.length > 0) out[out.length - 1] = `${out[out.length - 1]} ${current}`;
  else if (current) out.push(current);
  return out;
}

/**
 * Whether `text` is in the locale's language: `wrong` when the whole is confidently another language, `mixed`
 * when one of its clauses is, `unsure` when the text is too short to tell.
 */
export function checkLanguage(text: string, locale: string): LanguageCheck {
  const expected = languageOf(locale);
  const prose = text.replace(QUOTED, ' ').replace(/\s+/g, ' ').trim();
  if (wordCount(prose) < MIN_SEGMENT_WORDS) return { kind: 'unsure' };
  const whole = identify(prose, expected);
  if (whole.language !== expected && whole.confident) {
    return {
      kind: 'wrong',
      detected: whole.language,
      message: `the answer is in ${languageName(whole.language)}, not ${languageName(expected)} as asked for locale ${locale}`,
    };
  }
  const parts = segments(prose);
  if (parts.length > 1) {
    for (const segment of parts) {
      const part = identify(segment, expected);
      if (part.language !== expected && part.confident) {
        return {
          kind: 'mixed',
          detected: part.language,
          segment,
          message: `the answer mixes languages: "${segment}" is in ${languageName(part.language)}, not ${languageName(expected)} as asked for locale ${locale}`,
        };
      }
    }
  }
  return whole.language === expected ? { kind: 'matches' } : { kind: 'unsure' };
}

/** What the cleaner and the gate know of one language. Patterns are regex sources, matched case-insensitively. */
export interface LanguageRules {
  /** "Image of…", "Photo de…": what a screen reader already announces; removed from the start. */
  describingOpeners: string[];
  /** "Here is the alt text:", "Voici le texte :": a preamble before the sentence; removed. */
  preambles: string[];
  /** "Alt text:", "Texte alternatif :": a label before the sentence; removed. */
  labels: string[];
  /** "I'm sorry, I can't…", "Lo siento, no puedo…": the model refusing; the answer is refused. */
  refusals: string[];
  /** Articles left after a describing opener ("Photo d'un sac" → "sac"), each with its own trailing space. */
  articles: string[];
  /** Articles, prepositions and such: they never count towards keyword stuffing or echoes. */
  functionWords: string[];
}

const PHOTO_WORDS = {
  fr: String.raw`(?:image|photo|photographie|illustration|visuel)`,
  de: String.raw`(?:bild|foto|fotografie|aufnahme|abbildung)`,
  es: String.raw`(?:imagen|foto|fotografía|fotografia)`,
  it: String.raw`(?:immagine|foto|fotografia)`,
  pt: String.raw`(?:imagem|foto|fotografia)`,
  nl: String.raw`(?:afbeelding|foto|beeld|plaatje)`,
};

/**
 * The tables per language. English is in clean.ts and gate.ts as it always was (their behaviour must not move);
 * these add to it when a locale is asked for.
 */
export const LANGUAGE_RULES: Record<Exclude<GateLanguage, 'en'>, LanguageRules> = {
  fr: {
    describingOpeners: [
      String.raw`(?:cette|l')\s*${PHOTO_WORDS.fr}\s+(?:montre|représente|présente|affiche|contient)`,
      String.raw`(?:il s'agit d'une?|c'est une?|voici une?)\s+${PHOTO_WORDS.fr}\s+(?:de|d'|du|des)`,
      String.raw`(?:une?\s+)?${PHOTO_WORDS.fr}\s+(?:de\s+la|de\s+l'|du|des|de|d')`,
    ],
    preambles: [String.raw`voici\b[^:\n]*:`],
    labels: [String.raw`texte\s+alternatif`, String.raw`description`, String.raw`légende`],
    refusals: [
      String.raw`^(?:je suis désolée?|désolée?|je m'excuse|malheureusement)\b`,
      String.raw`\bje\s+ne\s+(?:peux|pourrais|suis)\s+pas\b`,
      String.raw`\bje\s+(?:peux|pourrais)\s+pas\b`,
      String.raw`\bje\s+suis\s+incapable\s+de\b`,
      String.raw`\ben tant qu'(?:ia|intelligence artificielle)\b`,
    ],
    articles: [String.raw`un\s+`, String.raw`une\s+`, String.raw`le\s+`, String.raw`la\s+`, String.raw`les\s+`, String.raw`l'`],
    functionWords: [
      'le', 'la', 'les', 'l', 'un', 'une', 'des', 'de', 'du', 'd', 'et', 'ou', 'à', 'au', 'aux', 'en', 'avec', 'sur',
      'sous', 'dans', 'par', 'pour', 'sa', 'son', 'ses', 'leur', 'leurs', 'deux', 'trois', 'qui', 'que', 'se', 'est',
    ],
  },
  de: {
    describingOpeners: [
      String.raw`(?:dieses|das)\s+${PHOTO_WORDS.de}\s+(?:zeigt|stellt\s+\S+\s+dar|enthält)`,
      String.raw`(?:ein(?:e)?\s+)?${PHOTO_WORDS.de}\s+(?:von|vom|eines|einer|des|der|mit)`,
    ],
    preambles: [String.raw`hier\s+(?:ist|sind)\b[^:\n]*:`],
    labels: [String.raw`alt(?:ernativ)?[\s-]*text`, String.raw`beschreibung`, String.raw`bildunterschrift`],
    refusals: [
      String.raw`^(?:es tut mir leid|tut mir leid|entschuldigung|leider)\b`,
      String.raw`\bich\s+(?:kann|könnte|werde)\s+(?:\S+\s+){0,3}(?:nicht|keine)\b`,
      String.raw`\bich\s+bin\s+nicht\s+in\s+der\s+lage\b`,
      String.raw`\bals\s+(?:eine\s+)?ki\b`,
    ],
    articles: [String.raw`eine[mnrs]?\s+`, String.raw`ein\s+`, String.raw`de[mnrs]\s+`, String.raw`die\s+`, String.raw`das\s+`],
    functionWords: [
      'der', 'die', 'das', 'den', 'dem', 'des', 'ein', 'eine', 'einer', 'einem', 'einen', 'eines', 'und', 'oder',
      'mit', 'von', 'vom', 'auf', 'aus', 'in', 'im', 'an', 'am', 'zu', 'zum', 'zur', 'für', 'über', 'unter', 'vor',
      'neben', 'hinter', 'bei', 'sein', 'seine', 'ihr', 'ihre', 'zwei', 'drei', 'ist', 'sind',
    ],
  },
  es: {
    describingOpeners: [
      String.raw`(?:esta|la)\s+${PHOTO_WORDS.es}\s+(?:muestra|representa|presenta|contiene)`,
      String.raw`(?:una?\s+)?${PHOTO_WORDS.es}\s+(?:de\s+la|de\s+los|de\s+las|del|de)`,
    ],
    preambles: [String.raw`aqu[ií]\s+(?:est[aá]|tienes)\b[^:\n]*:`],
    labels: [String.raw`texto\s+alternativo`, String.raw`descripci[oó]n`, String.raw`pie\s+de\s+foto`],
    refusals: [
      String.raw`^(?:lo siento|lo lamento|disculpa|perdón|lamentablemente|desafortunadamente)\b`,
      String.raw`\bno\s+(?:puedo|podría|soy\s+capaz\s+de)\b`,
      String.raw`\bcomo\s+(?:una\s+)?ia\b`,
    ],
    articles: [String.raw`una?\s+`, String.raw`unos\s+`, String.raw`unas\s+`, String.raw`el\s+`, String.raw`la\s+`, String.raw`los\s+`, String.raw`las\s+`],
    functionWords: [
      'el', 'la', 'los', 'las', 'un', 'una', 'unos', 'unas', 'de', 'del', 'y', 'e', 'o', 'u', 'a', 'al', 'en', 'con',
      'sobre', 'bajo', 'por', 'para', 'su', 'sus', 'dos', 'tres', 'que', 'se', 'es',
    ],
  },
  it: {
    describingOpeners: [
      String.raw`(?:questa|l')\s*${PHOTO_WORDS.it}\s+(?:mostra|rappresenta|raffigura|presenta|contiene)`,
      String.raw`(?:un'|una\s+)?${PHOTO_WORDS.it}\s+(?:di|del|della|dello|dei|degli|delle|d')`,
    ],
    preambles: [String.raw`ecco\b[^:\n]*:`],
    labels: [String.raw`testo\s+alternativo`, String.raw`descrizione`, String.raw`didascalia`],
    refusals: [
      String.raw`^(?:mi dispiace|spiacente|purtroppo|mi scuso)\b`,
      String.raw`\bnon\s+(?:posso|riesco\s+a|sono\s+in\s+grado\s+di)\b`,
      String.raw`\bin\s+quanto\s+ia\b`,
    ],
    articles: [String.raw`un'`, String.raw`uno?\s+`, String.raw`una\s+`, String.raw`il\s+`, String.raw`lo\s+`, String.raw`la\s+`, String.raw`l'`],
    functionWords: [
      'il', 'lo', 'la', 'i', 'gli', 'le', 'l', 'un', 'uno', 'una', 'di', 'del', 'della', 'dello', 'dei', 'degli',
      'delle', 'd', 'e', 'ed', 'o', 'a', 'al', 'alla', 'in', 'nel', 'nella', 'con', 'su', 'sul', 'sulla', 'per', 'da',
      'dal', 'dalla', 'sua', 'suo', 'due', 'tre', 'che', 'si', 'è',
    ],
  },
  pt: {
    describingOpeners: [
      String.raw`(?:esta|essa|a)\s+${PHOTO_WORDS.pt}\s+(?:mostra|representa|apresenta|cont[eé]m)`,
      String.raw`(?:uma?\s+)?${PHOTO_WORDS.pt}\s+(?:de|do|da|dos|das)`,
    ],
    preambles: [String.raw`aqui\s+(?:está|esta|estão)\b[^:\n]*:`],
    labels: [String.raw`texto\s+alternativo`, String.raw`descri[cç][aã]o`, String.raw`legenda`],
    refusals: [
      String.raw`^(?:sinto muito|desculpe|lamento|infelizmente)\b`,
      String.raw`\bn[aã]o\s+(?:posso|consigo|sou\s+capaz\s+de)\b`,
      String.raw`\bcomo\s+(?:uma\s+)?ia\b`,
    ],
    articles: [String.raw`uma?\s+`, String.raw`o\s+`, String.raw`a\s+`, String.raw`os\s+`, String.raw`as\s+`],
    functionWords: [
      'o', 'a', 'os', 'as', 'um', 'uma', 'uns', 'umas', 'de', 'do', 'da', 'dos', 'das', 'e', 'ou', 'em', 'no', 'na',
      'nos', 'nas', 'com', 'sobre', 'sob', 'por', 'para', 'ao', 'à', 'seu', 'sua', 'dois', 'duas', 'três', 'que',
      'se', 'é',
    ],
  },
  nl: {
    describingOpeners: [
      String.raw`(?:deze|de|dit|het)\s+${PHOTO_WORDS.nl}\s+(?:toont|laat\s+\S+\s+zien|bevat)`,
      String.raw`(?:een\s+)?${PHOTO_WORDS.nl}\s+(?:van)`,
    ],
    preambles: [String.raw`hier\s+(?:is|zijn)\b[^:\n]*:`],
    labels: [String.raw`alt(?:ernatieve)?[\s-]*tekst`, String.raw`beschrijving`, String.raw`bijschrift`],
    refusals: [
      String.raw`^(?:het spijt me|sorry|excuses|helaas)\b`,
      String.raw`\bik\s+(?:kan|mag)\s+(?:\S+\s+){0,3}niet\b`,
      String.raw`\bik\s+ben\s+niet\s+in\s+staat\b`,
      String.raw`\bals\s+(?:een\s+)?ai\b`,
    ],
    articles: [String.raw`een\s+`, String.raw`de\s+`, String.raw`het\s+`],
    functionWords: [
      'de', 'het', 'een', 'en', 'of', 'van', 'met', 'in', 'op', 'aan', 'bij', 'voor', 'naar', 'over', 'onder',
      'naast', 'achter', 'zijn', 'haar', 'hun', 'twee', 'drie', 'die', 'dat', 'is',
    ],
  },
};

/** The extra rules for a locale's language; none for English (built in) or a language without tables. */
export function rulesFor(locale: string | undefined): LanguageRules | null {
  if (!locale) return null;
  const language = languageOf(locale);
  return Object.hasOwn(LANGUAGE_RULES, language) ? LANGUAGE_RULES[language as keyof typeof LANGUAGE_RULES] : null;
}

/** `\b` that knows letters beyond ASCII ("désolé" ends at the é), and either apostrophe. */
const UNICODE_BOUNDARY = String.raw`(?:(?<![\p{L}\p{N}])(?=[\p{L}\p{N}])|(?<=[\p{L}\p{N}])(?![\p{L}\p{N}]))`;

/** One table's patterns as one case-insensitive, Unicode-aware alternation. */
export function compileRules(patterns: string[]): string {
  return patterns.map((pattern) => `(?:${pattern.replaceAll(String.raw`\b`, UNICODE_BOUNDARY).replaceAll("'", "['’]")})`).join('|');
}
