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
