import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth';
import { ImportForm } from './import-form';

export const metadata: Metadata = { title: 'Import catalogue data' };

export default async function ImportPage() {
  await requirePage('editor');
  return (
    <main className="mx-auto flex w-full max-w-5xl flex-col gap-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Import catalogue data</h1>
        <p className="text-sm text-neutral-600">
          A CSV file (UTF-8) with one row per photo, matched by filename or SKU: <code>filename,sku,title,collection,tags</code> (and <code>alt_text</code>), or
          Shopify&apos;s product CSV. You see what every row will change before anything is written.
        </p>
      </div>
      <ImportForm />
    </main>
  );
}
