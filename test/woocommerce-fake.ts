import fs from 'node:fs';
import path from 'node:path';
import type { WordPressSite } from './wordpress';

/**
 * A fake of WooCommerce's product API on the real test WordPress (WooCommerce is not packaged for Debian): a
 * must-use plugin (test/wordpress-php/woocommerce-fake.php) that registers GET /wc/v3/products and
 * /wc/v3/products/<id>, answering as WooCommerce's REST API v3 documents them (id, name, slug, sku,
 * categories[{id, name, slug}], images[{id, src, name, alt, …}] with the main image first, X-WP-Total and
 * X-WP-TotalPages), from products stored the way WooCommerce stores them. The product endpoints so live on the
 * same site as /wp/v2/media, as they do in a real shop, and appear in the REST index's namespaces as "wc/v3".
 */

const PLUGIN = path.resolve(process.cwd(), 'test', 'wordpress-php', 'woocommerce-fake.php');
const pluginPath = (site: WordPressSite) => path.join(site.root, 'wp-content', 'mu-plugins', 'woocommerce-fake.php');

export interface ProductSeed {
  name: string;
  sku?: string;
  slug?: string;
  /** product_cat names. */
  categories?: string[];
  /** Attachment ids, main image first (the featured image, then the gallery). */
  imageIds: number[];
}

/** Turns the fake on (the site now "has WooCommerce") or off; products seeded stay in the database either way. */
export function setWooCommerce(site: WordPressSite, installed: boolean): void {
  if (installed) fs.copyFileSync(PLUGIN, pluginPath(site));
  else fs.rmSync(pluginPath(site), { force: true });
}

/** A product (needs the fake installed); answers its id. */
export async function seedProduct(site: WordPressSite, product: ProductSeed): Promise<number> {
  return (await site.control<{ id: number }>('product', product)).id;
}

export async function deleteProduct(site: WordPressSite, productId: number): Promise<void> {
  await site.control('delete-post', { id: productId });
}
