import Link from 'next/link';

/** A photo that is gone (deleted, or a wrong link) says so, with the way back. */
export default function AssetNotFound() {
  return (
    <main className="mx-auto flex max-w-xl flex-col items-start gap-3 rounded-xl border border-neutral-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-semibold">This photo is not in the library</h1>
      <p className="text-sm text-neutral-600">It was deleted and purged from the trash, or the link is wrong. Its alt text and history went with it.</p>
      <Link href="/" className="rounded-md bg-neutral-900 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-neutral-700">
        Back to the library
      </Link>
    </main>
  );
}
