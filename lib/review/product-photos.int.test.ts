import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { assets, products, type Asset } from '@/db/schema';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { reviewAsset, type ReviewSeed } from '@/test/review';
import { countMatching, reviewCounts, reviewPage } from '.';

/** Two photos of one product with the same words: one of them does not say what it shows (a back view, a detail). */
describe('review flag: same text as another photo of this product', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  const db = () => database().db;

  async function product(title: string): Promise<string> {
    const [row] = await db().insert(products).values({ title }).returning({ id: products.id });
    return row.id;
  }

  async function photo(collection: string, minute: number, altText: string, productId: string | null, extra: Partial<Asset> = {}, seed: ReviewSeed = {}): Promise<Asset> {
    const asset = await reviewAsset(db(), { collection, altText, createdAt: new Date(Date.now() - 3_600_000 + minute * 60_000), ...seed });
    const [row] = await db().update(assets).set({ productId, productPosition: productId ? minute : null, ...extra }).where(eq(assets.id, asset.id)).returning();
    return row;
  }

  it('flags photos of one product that share their text, not the same text on another product, and filters by it', async () => {
    const collection = `product-photos-${crypto.randomUUID()}`;
    const boots = await product('Ankle boots');
    const scarf = await product('Wool scarf');
    const front = await photo(collection, 1, 'Brown leather ankle boots on a white background.', boots);
    const back = await photo(collection, 2, '  brown leather ankle boots on a white background. ', boots);
    const sole = await photo(collection, 3, 'Ridged rubber sole of a brown ankle boot.', boots);
    // The same words on another product's photo are the shared_text flag's business, not this one's.
    const other = await photo(collection, 4, 'Brown leather ankle boots on a white background.', scarf);
    // A trashed sibling no longer counts.
    const scarfFront = await photo(collection, 5, 'Grey wool scarf folded on linen.', scarf);
    await photo(collection, 6, 'Grey wool scarf folded on linen.', scarf, { deletedAt: new Date() });

    const page = await reviewPage(db(), files().storage, { collection });
    expect(page.ok).toBe(true);
    if (!page.ok) return;
    const flagged = Object.fromEntries(page.items.map((item) => [item.id, item.flags.includes('same_as_product_photo')]));
    expect(flagged).toEqual({ [front.id]: true, [back.id]: true, [sole.id]: false, [other.id]: false, [scarfFront.id]: false });

    const filtered = await reviewPage(db(), files().storage, { collection, flag: 'same_as_product_photo' });
    expect(filtered.ok && filtered.items.map((item) => item.id)).toEqual([front.id, back.id]);
    expect(await countMatching(db(), { collection, flag: 'same_as_product_photo' })).toBe(2);
    expect((await reviewCounts(db(), { collection })).flag.same_as_product_photo).toBe(2);
  });

  it('photos in no product and empty (decorative) text are never flagged', async () => {
    const collection = `loose-photos-${crypto.randomUUID()}`;
    const bag = await product('Tote bag');
    await photo(collection, 1, 'Canvas tote bag hanging on a hook.', null);
    await photo(collection, 2, 'Canvas tote bag hanging on a hook.', null);
    await photo(collection, 3, '', bag, {}, { altStatus: 'decorative' });
    await photo(collection, 4, '', bag, {}, { altStatus: 'decorative' });
    expect(await countMatching(db(), { collection, status: 'decorative', flag: 'same_as_product_photo' })).toBe(0);
    const page = await reviewPage(db(), files().storage, { collection });
    expect(page.ok && page.items.map((item) => item.flags.includes('same_as_product_photo'))).toEqual([false, false]);
  });
});
