import type { Asset } from '@/db/schema';
import type { AltContext } from './types';

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
  return facts;
}
