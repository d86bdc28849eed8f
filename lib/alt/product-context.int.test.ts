import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assets, products, type Asset } from '@/db/schema';
import { runAssetJobs } from '@/lib/jobs';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { productJpeg, storedAsset, useFakeGroq } from '@/test/alt';
import { catalogueContextFor } from './context';

/** A photo of a product is described as that photo: its place among the product's photos and what the others already say. */
describe('the describe step knows which photo of its product it describes', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  const fake = useFakeGroq(() => database().db);

  /**
   * A backpack with five photos: the main image and a detail with approved text, an unapproved proposal, one in
   * the trash, and the one to describe, third in the shop's order.
   */
  async function backpack(): Promise<{ target: Asset }> {
    const db = database().db;
    const [product] = await db.insert(products).values({ title: 'Navy canvas backpack', handle: 'navy-backpack' }).returning();
    const photo = async (position: number, alt: Partial<Asset> = {}) => {
      const asset = await storedAsset(db, files().storage, await productJpeg(), { filename: `backpack-${position}.jpg` });
      const [row] = await db.update(assets).set({ productId: product.id, productPosition: position, ...alt }).where(eq(assets.id, asset.id)).returning();
      return row;
    };
    await photo(0, { altText: 'Navy canvas backpack with tan leather straps, front view.', altStatus: 'approved', altSource: 'human' });
    await photo(1, { altText: 'Close-up of a brass zip pull on navy canvas.', altStatus: 'approved', altSource: 'ai' });
    await photo(4, { altText: 'An unapproved guess.', altStatus: 'proposed', altSource: 'ai' });
    await photo(3, { altText: 'A trashed photo.', altStatus: 'approved', altSource: 'human', deletedAt: new Date() });
    const target = await photo(2);
    return { target };
  }

  it('builds the context from the product: title, "photo 3 of 4", the approved text of the others only', async () => {
    const { target } = await backpack();
    const context = await catalogueContextFor(database().db, target);
    expect(context.product).toEqual({
      title: 'Navy canvas backpack',
      photo: 3,
      photos: 4,
      isMain: false,
      otherPhotosAlt: ['Navy canvas backpack with tan leather straps, front view.', 'Close-up of a brass zip pull on navy canvas.'],
    });
  });

  it('a photo in no product gets no product context', async () => {
    const asset = await storedAsset(database().db, files().storage, await productJpeg(), { title: 'Loose photo' });
    expect((await catalogueContextFor(database().db, asset)).product).toBeUndefined();
  });

  describe.skipIf(!standInModelAvailable())('through the fake Groq API', () => {
    beforeAll(() => useStandInEmbeddingModel());

    it('the request the model receives carries the photo place and the siblings\' text, inside the data block', async () => {
      const { target } = await backpack();
      await runAssetJobs(database().db, target.id);
      const [request] = fake().requests;
      const data = request.userText.match(/<catalogue-data>\n([\s\S]*)\n<\/catalogue-data>/);
      expect(data).not.toBeNull();
      expect(JSON.parse(data![1])).toMatchObject({
        product: 'Navy canvas backpack',
        photo: 'photo 3 of 4',
        other_photos_alt_text: ['Navy canvas backpack with tan leather straps, front view.', 'Close-up of a brass zip pull on navy canvas.'],
      });
      expect(request.userText).not.toContain('An unapproved guess.');
      expect(request.userText).not.toContain('A trashed photo.');
      const system = request.body?.messages?.[0]?.content as string;
      expect(system).toContain('describe what THIS photo shows');
    });
  });
});
