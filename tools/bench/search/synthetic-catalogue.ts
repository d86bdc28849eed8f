import type { CatalogueProduct } from './load-catalogue';

/**
 * Product photo texts for the search benchmark: colour × material × article × setting, the way alt text for a
 * catalogue reads. Embedded with the real model they cluster like a real catalogue (by article, then colour),
 * which is what HNSW recall depends on; uniform random vectors would be a meaningless worst case.
 */

const COLOURS = ['navy', 'red', 'black', 'white', 'grey', 'beige', 'olive', 'maroon', 'mustard', 'teal', 'pink', 'brown', 'khaki', 'cream', 'charcoal', 'lavender', 'rust', 'green', 'blue', 'yellow'];
const MATERIALS = ['cotton', 'linen', 'wool', 'leather', 'denim', 'silk', 'suede', 'canvas', 'velvet', 'knitted', 'nylon', 'corduroy'];
const ARTICLES = ['shirt', 'dress', 'coat', 'jacket', 'backpack', 'handbag', 'wallet', 'sneakers', 'boots', 'sandals', 'scarf', 'hat', 'belt', 'watch', 'sunglasses', 'trousers', 'shorts', 'skirt', 'sweater', 'hoodie', 'socks', 'tie', 'gloves', 'jeans', 'kurta', 'saree', 'blazer', 'cardigan', 'tote', 'cap'];
const SETTINGS = ['on a wooden table', 'on a white background', 'worn by a model in a street', 'folded on a shelf', 'hanging on a rail', 'on a marble floor', 'in a studio with soft light', 'on a beach', 'beside a plant', 'on a stool'];
const SEASONS = ['summer', 'winter', 'spring', 'autumn'];


/** A deterministic pseudo-random pick, so every run loads the same catalogue. */
function pick<T>(list: readonly T[], seed: number): T {
  const mixed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) >>> 0;
  return list[mixed % list.length];
}

export function syntheticProduct(index: number): CatalogueProduct {
  const colour = pick(COLOURS, index * 7 + 1);
  const material = pick(MATERIALS, index * 13 + 2);
  const article = pick(ARTICLES, index * 31 + 3);
  const setting = pick(SETTINGS, index * 17 + 4);
  const season = pick(SEASONS, index * 5 + 5);
  const sku = `SKU-${String(index).padStart(6, '0')}`;
  // A collection per material (about 8% each) and 2 in 7 approved (independent of the material, which follows
  // the index modulo 4 for small indexes): the collection + status filter keeps about 2%.
  const collection = `${material[0].toUpperCase()}${material.slice(1)} line`;
  return { altText: `A ${colour} ${material} ${article} ${setting}`, tags: [article, season], filename: `DSC_${String(index).padStart(6, '0')}.jpg`, sku, collection, approved: index % 7 < 2 };
}

/** What merchandisers type: colour + article, material + article, or a loose description. */
export function syntheticQuery(index: number): string {
  const colour = pick(COLOURS, index * 3 + 11);
  const article = pick(ARTICLES, index * 19 + 12);
  const material = pick(MATERIALS, index * 23 + 13);
  const shapes = [`${colour} ${article}`, `${material} ${article}`, `${colour} ${material} ${article}`, `${article} ${pick(SETTINGS, index)}`];
  return shapes[index % shapes.length];
}
