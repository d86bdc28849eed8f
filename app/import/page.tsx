import type { Metadata } from 'next';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { editorOf } from '@/lib/alt';
import { requirePage } from '@/lib/auth';
import { IMPORT_FILE_MESSAGES, IMPORT_FILE_PROBLEMS, keptImportInput, mappingFrom, runKeptImport, summarisePlan } from '@/lib/catalogue';
import { ImportForm, type ImportPreview } from './import-form';

export const metadata: Metadata = { title: 'Import catalogue data' };
export const dynamic = 'force-dynamic';

type SearchParams = Record<string, string | string[] | undefined>;
type Caller = Awaited<ReturnType<typeof requirePage>>;

const problemParam = z.object({ problem: z.enum(IMPORT_FILE_PROBLEMS) });

/**
 * The preview is made here, on the server, from the file the person chose (kept on the server, named by its
 * digest in the address): `/import?file=<digest>` with the tag mode and any column they changed. So it is the
 * same page with JavaScript or without; JavaScript only saves the page loads.
 */
async function previewFor(caller: Caller, single: Record<string, string | undefined>): Promise<ImportPreview> {
  const refused = problemParam.safeParse(single);
  if (refused.success) return { kept: null, plan: null, error: IMPORT_FILE_MESSAGES[refused.data.problem] };
  if (single.file === undefined) return { kept: null, plan: null, error: null };
  const input = keptImportInput.safeParse(single);
  if (!input.success) return { kept: null, plan: null, error: `This address does not name a chosen file (${input.error.issues[0].message}). Choose the file again.` };
  // Never `confirm` here: a page load only ever previews.
  const { file, result } = await runKeptImport(await getDb(), caller.userId, input.data.file, { mapping: mappingFrom(input.data, 'detected'), tagMode: input.data.tag_mode, groupBy: input.data.group_by, importer: editorOf(caller) });
  const kept = file && { digest: file.digest, filename: file.filename };
  if (!result.ok) return { kept, plan: null, error: result.failure.message };
  return { kept, plan: summarisePlan(result.plan), error: null };
}

export default async function ImportPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const caller = await requirePage('editor');
  const single = Object.fromEntries(Object.entries(await searchParams).map(([name, value]) => [name, Array.isArray(value) ? value[0] : value]));
  const preview = await previewFor(caller, single);
  return (
    <main className="mx-auto flex w-full max-w-5xl flex-col gap-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Import catalogue data</h1>
        <p className="text-sm text-neutral-600">
          A CSV file (UTF-8) with one row per photo, matched by filename or SKU: <code>filename,sku,title,collection,tags</code> (and <code>alt_text</code>), or
          Shopify&apos;s product CSV. You see what every row will change before anything is written.
        </p>
      </div>
      {/* A new preview is a fresh form: an earlier apply's answer does not carry over to it. */}
      <ImportForm key={JSON.stringify(single)} preview={preview} />
    </main>
  );
}
