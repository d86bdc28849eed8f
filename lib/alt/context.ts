import { sql } from 'drizzle-orm';
import { altStatusSql, notTrashedSql } from '@/lib/filters';
import { rows, type Db } from '@/db/client';
import type { Asset } from '@/db/schema';
import type { AltContext, ProductPhotoContext } from './types';

/** The catalogue facts the model may use, taken from the asset row. */
export function altContextFor(asset: Pick<Asset, 'title' | 'tags' | 'collection' | 'sku' | 'filename'>): AltContext {
  return {
    title: asset.title?.trim() || undefined,
    tags: asset.tags.map((tag) => tag.trim()).filter(Boolean),
    collection: asset.collection?.trim() || undefined,
    sku: asset.sku?.trim() || undefined,
    filename: asset.filename,
  };
}

/** How many of the product's other photos' texts the prompt carries, and how much of each: enough to avoid repeating them. */
const OTHER_PHOTOS_SENT = 3;
const OTHER_PHOTO_CHARS = 160;

/** The asset's catalogue facts and, when it belongs to a product, which of the product's photos it is. */
export async function catalogueContextFor(
  db: Db,
  asset: Pick<Asset, 'id' | 'title' | 'tags' | 'collection' | 'sku' | 'filename' | 'productId' | 'productPosition'>,
): Promise<AltContext> {
  const context = altContextFor(asset);
  const product = asset.productId ? await productPhotoContext(db, asset.id, asset.productId, asset.productPosition) : undefined;
  return product ? { ...context, product } : context;
}

/** Photos are ordered as the shop orders them (position 0, the main image, first); trashed ones are not counted. */
async function productPhotoContext(db: Db, assetId: string, productId: string, position: number | null): Promise<ProductPhotoContext | undefined> {
  const [place] = await rows<{ title: string; photo: number; photos: number }>(
    db,
    sql`select title, photo, photos from (
          select a.id, p.title,
            row_number() over (order by a.product_position nulls last, a.created_at, a.id)::int as photo,
            count(*) over ()::int as photos
          from assets a join products p on p.id = a.product_id
          where a.product_id = ${productId} and ${notTrashedSql('a')}
        ) ranked
        where id = ${assetId}`,
  );
  if (!place) return undefined;
  const others = await rows<{ text: string }>(
    db,
    sql`select left(a.alt_text, ${OTHER_PHOTO_CHARS}) as text from assets a
        where a.product_id = ${productId} and a.id <> ${assetId} and ${notTrashedSql('a')}
          and ${altStatusSql('approved')} and a.alt_text <> ''
        order by a.product_position nulls last, a.created_at, a.id
        limit ${OTHER_PHOTOS_SENT}`,
  );
  return {
    title: place.title.trim(),
    photo: place.photo,
    photos: place.photos,
    isMain: position === 0,
    otherPhotosAlt: others.map((row) => row.text.trim()).filter(Boolean),
  };
}

/** "photo 1 of 5 (main image)", "photo 3 of 5": the words the prompt uses for a photo's place in its product. */
export function photoPlace(product: Pick<ProductPhotoContext, 'photo' | 'photos' | 'isMain'>): string {
  return `photo ${product.photo} of ${product.photos}${product.isMain ? ' (main image)' : ''}`;
}

/** Words cameras, phones and tools put in filenames: they say nothing about the product. */
const GENERATED_NAME_WORDS = new Set([
  'dsc', 'dscf', 'dscn', 'img', 'image', 'photo', 'pic', 'picture', 'dcim', 'pxl', 'gopr', 'mvimg', 'screenshot',
  'screen', 'shot', 'untitled', 'scan', 'copy', 'final', 'edit', 'edited', 'export', 'jpg', 'jpeg', 'png', 'webp',
  'heic', 'tif', 'tiff', 'raw', 'cr2', 'nef', 'arw', 'whatsapp', 'snapshot',
]);

/** `navy_backpack-01.jpg` tells the model something; `DSC_4821.jpg`, `IMG_20240101_1234.heic` or `15970.jpg` do not. */
export function isMeaningfulFilename(filename: string): boolean {
  const stem = filename.replace(/\.[a-z0-9]{1,5}$/i, '');
  const words = stem.toLowerCase().split(/[^a-z]+/).filter((word) => word.length >= 3);
  return words.some((word) => !GENERATED_NAME_WORDS.has(word));
}

/** The context as the prompt sends it: empty fields and meaningless filenames left out. */
export function promptFacts(context: AltContext): Record<string, string | string[]> {
  const facts: Record<string, string | string[]> = {};
  if (context.title) facts.title = context.title;
  if (context.tags.length) facts.tags = context.tags;
  if (context.collection) facts.collection = context.collection;
  if (context.sku) facts.sku = context.sku;
  if (context.filename && isMeaningfulFilename(context.filename)) facts.filename = context.filename;
  if (context.product) {
    if (context.product.title) facts.product = context.product.title;
    facts.photo = photoPlace(context.product);
    if (context.product.otherPhotosAlt.length) facts.other_photos_alt_text = context.product.otherPhotosAlt;
  }
  return facts;
}
