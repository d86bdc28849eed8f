import type { Metadata } from 'next';
import Link from 'next/link';
import { Uploader } from '@/components/upload/uploader';
import { requirePage } from '@/lib/auth';

export const metadata: Metadata = { title: 'Upload' };

export default async function UploadPage() {
  await requirePage('editor');
  return (
    <main className="mx-auto flex max-w-3xl flex-col gap-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Upload photos</h1>
        <p className="text-sm text-neutral-600">
          Files go straight to storage, three at a time; photos already in the{' '}
          <Link href="/" className="underline underline-offset-2">
            library
          </Link>{' '}
          are recognised and skipped.
        </p>
      </div>
      <Uploader />
    </main>
  );
}
