import sharp from 'sharp';

/**
 * What the fake Groq API says when a test has not scripted a reply: a plausible one-sentence product
 * description (from the catalogue data in the prompt and the image's colour), or, in JSON mode, plausible
 * judge scores for eval:alt. Deterministic for the same request.
 */

const COLOURS: Array<[string, [number, number, number]]> = [
  ['black', [20, 20, 20]], ['charcoal', [60, 60, 60]], ['grey', [128, 128, 128]], ['white', [240, 240, 240]],
  ['red', [200, 30, 30]], ['burgundy', [110, 20, 40]], ['orange', [230, 120, 30]], ['yellow', [230, 210, 40]],
  ['olive', [110, 110, 40]], ['green', [40, 150, 60]], ['teal', [30, 128, 128]], ['light blue', [130, 180, 230]],
  ['blue', [40, 80, 200]], ['navy', [25, 35, 80]], ['purple', [120, 50, 150]], ['pink', [230, 130, 170]],
  ['brown', [120, 75, 40]], ['tan', [200, 160, 110]], ['beige', [225, 210, 180]],
];

function nearestColour([r, g, b]: [number, number, number]): string {
  let best = COLOURS[0];
  let bestDistance = Infinity;
  for (const entry of COLOURS) {
    const [cr, cg, cb] = entry[1];
    const distance = (r - cr) ** 2 + (g - cg) ** 2 + (b - cb) ** 2;
    if (distance < bestDistance) [best, bestDistance] = [entry, distance];
  }
  return best[0];
}

/** The product's colour: the mean of a small thumbnail's pixels, leaving out the near-white studio background. */
async function dominantColour(image: Buffer | null): Promise<string | null> {
  if (!image) return null;
  try {
    const { data, info } = await sharp(image)
      .resize(32, 32, { fit: 'fill' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const total: [number, number, number] = [0, 0, 0];
    let count = 0;
    for (let i = 0; i + 2 < data.length; i += info.channels) {
      if (data[i] > 235 && data[i + 1] > 235 && data[i + 2] > 235) continue;
      total[0] += data[i];
      total[1] += data[i + 1];
      total[2] += data[i + 2];
      count++;
    }
    return count === 0 ? 'white' : nearestColour([total[0] / count, total[1] / count, total[2] / count]);
  } catch {
    return null;
  }
}

function catalogueFacts(text: string): { title?: string; tags?: string[] } {
  const match = text.match(/<catalogue-data>\s*([\s\S]*?)\s*<\/catalogue-data>/);
  if (!match) return {};
  try {
    return JSON.parse(match[1]) as { title?: string; tags?: string[] };
  } catch {
    return {};
  }
}

/** The product sentence: the title (or first tag, or "product") with the colour; passes the gate for ordinary titles. */
export async function describePlausibly(userText: string, image: Buffer | null): Promise<string> {
  const facts = catalogueFacts(userText);
  const colour = (await dominantColour(image)) ?? 'neutral';
  const product = facts.title ?? (facts.tags?.length ? `${colour} ${facts.tags[0]}` : `${colour} product`);
  const sentence = `${product} photographed from the front on a plain studio background, with ${colour} tones throughout.`;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

function tagged(text: string, tag: string): string {
  return text.match(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`))?.[1] ?? '';
}

/** Scores as an LLM judge would give them, from how much of the reference the candidate covers. */
export function judgePlausibly(userText: string): string {
  const candidate = tagged(userText, 'candidate');
  const words = (text: string) => new Set(text.toLowerCase().split(/[^a-z]+/).filter((word) => word.length >= 3));
  const reference = [...words(tagged(userText, 'reference'))];
  const said = words(candidate);
  const overlap = reference.length ? reference.filter((word) => said.has(word)).length / reference.length : 0;
  return JSON.stringify({
    accuracy: overlap >= 0.5 ? 4 : 3,
    completeness: Math.min(5, Math.max(1, 2 + Math.round(overlap * 3))),
    conciseness: candidate.length <= 200 ? 5 : 3,
    accessibility: /^(?:an? )?(?:image|photo|picture) of/i.test(candidate) ? 2 : 4,
    comment: `covers ${Math.round(overlap * 100)}% of the reference's words`,
  });
}

/** The fake describe sentence's frame and colours in each language the fake translates into. */
const FRAMES: Record<string, (product: string, colour: string) => string> = {
  en: (product, colour) => `${product} photographed from the front on a plain studio background, with ${colour} tones throughout.`,
  fr: (product, colour) => `${product} photographié de face sur un fond de studio uni, avec des tons ${colour} dans toute l'image.`,
  de: (product, colour) => `${product}, von vorne vor einem schlichten Studiohintergrund fotografiert, durchgehend in ${colour}en Tönen.`,
  es: (product, colour) => `${product} fotografiado de frente sobre un fondo de estudio liso, con tonos ${colour} en toda la imagen.`,
  it: (product, colour) => `${product} fotografato di fronte su uno sfondo da studio uniforme, con toni ${colour} in tutta l'immagine.`,
  pt: (product, colour) => `${product} fotografado de frente sobre um fundo de estúdio liso, com tons ${colour} em toda a imagem.`,
  nl: (product, colour) => `${product} van voren gefotografeerd tegen een effen studioachtergrond, met overal ${colour}e tinten.`,
};

const COLOUR_WORDS: Record<string, Record<string, string>> = {
  fr: { black: 'noirs', white: 'blancs', grey: 'gris', red: 'rouges', blue: 'bleus', navy: 'marine', green: 'verts', brown: 'bruns', beige: 'beiges', tan: 'fauves', pink: 'roses', yellow: 'jaunes', orange: 'orangés', purple: 'violets', neutral: 'neutres' },
  de: { black: 'schwarz', white: 'weiß', grey: 'grau', red: 'rot', blue: 'blau', navy: 'marineblau', green: 'grün', brown: 'braun', beige: 'beig', tan: 'hellbraun', pink: 'rosa', yellow: 'gelb', orange: 'orang', purple: 'lila', neutral: 'neutral' },
  es: { black: 'negros', white: 'blancos', grey: 'grises', red: 'rojos', blue: 'azules', navy: 'azul marino', green: 'verdes', brown: 'marrones', beige: 'beis', tan: 'tostados', pink: 'rosas', yellow: 'amarillos', orange: 'naranjas', purple: 'morados', neutral: 'neutros' },
  it: { black: 'neri', white: 'bianchi', grey: 'grigi', red: 'rossi', blue: 'blu', navy: 'blu navy', green: 'verdi', brown: 'marroni', beige: 'beige', tan: 'cuoio', pink: 'rosa', yellow: 'gialli', orange: 'arancioni', purple: 'viola', neutral: 'neutri' },
  pt: { black: 'pretos', white: 'brancos', grey: 'cinzentos', red: 'vermelhos', blue: 'azuis', navy: 'azul-marinho', green: 'verdes', brown: 'castanhos', beige: 'bege', tan: 'caramelo', pink: 'rosa', yellow: 'amarelos', orange: 'laranja', purple: 'roxos', neutral: 'neutros' },
  nl: { black: 'zwart', white: 'wit', grey: 'grijz', red: 'rod', blue: 'blauw', navy: 'marineblauw', green: 'groen', brown: 'bruin', beige: 'beig', tan: 'lichtbruin', pink: 'roz', yellow: 'gel', orange: 'oranj', purple: 'paars', neutral: 'neutral' },
};

const DESCRIBED = /^(.*) photographed from the front on a plain studio background, with ([a-z ]+) tones throughout\.$/;

/** The target locale and source text of a translation request (translationMessages' shape), or null for another request. */
export function translationRequest(userText: string): { to: string; text: string } | null {
  const to = userText.match(/^Translate this alt text from .+? \(([^)]+)\) into .+? \(([^)]+)\)\./)?.[2];
  const source = userText.match(/<source-text>\s*([\s\S]*?)\s*<\/source-text>/)?.[1];
  if (!to || source === undefined) return null;
  try {
    const text: unknown = JSON.parse(source);
    return typeof text === 'string' ? { to, text } : null;
  } catch {
    return null;
  }
}

/**
 * A translation as a model would answer it, deterministic: the fake's own describe sentence is rebuilt in the
 * asked language (`answerIn` overrides it, for a model answering in the wrong one); any other text becomes
 * that frame around the product's title (or the text's first words). Null when the request is not a translation request.
 */
export function translatePlausibly(userText: string, answerIn?: string): string | null {
  const request = translationRequest(userText);
  if (!request) return null;
  const language = (answerIn ?? request.to).split(/[-_]/)[0]!.toLowerCase();
  const frame = FRAMES[language] ?? FRAMES.en!;
  const described = DESCRIBED.exec(request.text);
  const product = described?.[1] ?? catalogueFacts(userText).title ?? request.text.split(/\s+/).slice(0, 3).join(' ');
  const colour = described ? described[2]! : 'neutral';
  return frame(product, language === 'en' ? colour : (COLOUR_WORDS[language]?.[colour] ?? colour));
}
