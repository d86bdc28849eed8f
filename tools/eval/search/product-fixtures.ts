import fs from 'node:fs';
import { fixturePath, parseCsv } from '@/test/fixtures';
import type { CatalogueProduct } from '@/tools/bench/search/load-catalogue';

/** One row of ../shared/fixtures/products/products.csv (a fashion catalogue sample). */
export interface ProductRow {
  id: string;
  filename: string;
  articleType: string;
  baseColour: string;
  season: string;
  usage: string;
  productDisplayName: string;
}

export function readProducts(): ProductRow[] {
  const [header, ...lines] = parseCsv(fs.readFileSync(fixturePath('products', 'products.csv'), 'utf8'));
  const column = (name: string) => header.indexOf(name);
  return lines.map((cells) => ({
    id: cells[column('id')],
    filename: cells[column('filename')],
    articleType: cells[column('articleType')],
    baseColour: cells[column('baseColour')],
    season: cells[column('season')],
    usage: cells[column('usage')],
    productDisplayName: cells[column('productDisplayName')],
  }));
}

/**
 * The display name stands in for alt text; tags are what a team might add without naming the item (season,
 * usage), so colour and type must be found in the "alt text"; the filename is the catalogue's numeric one.
 */
export function asCatalogueProduct(row: ProductRow): CatalogueProduct {
  return { altText: row.productDisplayName, tags: [row.season, row.usage].filter(Boolean), filename: row.filename, sku: `P-${row.id}` };
}

export interface EvalQuery {
  text: string;
  /** Filenames of the relevant products: same colour and same article type. */
  relevant: Set<string>;
}

export type QueryFamily = 'colour + type' | 'type';

/**
 * One query per colour + article type present ("navy blue backpacks", relevant: that colour and type), or per
 * article type alone ("backpacks", relevant: that type), which has more relevant items per query.
 */
export function metadataQueries(products: readonly ProductRow[], family: QueryFamily): EvalQuery[] {
  const byKey = new Map<string, EvalQuery>();
  for (const product of products) {
    if (!product.baseColour || !product.articleType) continue;
    const text = (family === 'type' ? product.articleType : `${product.baseColour} ${product.articleType}`).toLowerCase();
    const query = byKey.get(text) ?? { text, relevant: new Set<string>() };
    query.relevant.add(product.filename);
    byKey.set(text, query);
  }
  return [...byKey.values()].sort((a, b) => a.text.localeCompare(b.text));
}
