import type { Readable } from 'node:stream';
import Busboy from '@fastify/busboy';
import type { Db } from '@/db/client';
import { MAX_IMPORT_BYTES } from './csv-read';
import { importFileProblem, keepImportFile, type KeepResult } from './import-files';

/**
 * The import page's upload form (`multipart/form-data`, the file in the field `file`), read as it arrives: the
 * file's bytes go straight on to keepImportFile, never whole in memory, and nothing else in the form is kept.
 * A body that is not a form, or a form without a file, is `no_file`.
 */

export const IMPORT_FILE_FIELD = 'file';

/** A form's fields beside the file are few and short; anything more is not the import page's form. */
const LIMITS = { files: 1, fields: 20, fieldSize: 1024, parts: 25, fileSize: MAX_IMPORT_BYTES + 1 };

export async function keepUploadedImportFile(db: Db, upload: { userId: string; contentType: string | null; body: Readable }, now = new Date()): Promise<KeepResult> {
  const noFile = importFileProblem('no_file');
  if (!upload.contentType?.toLowerCase().startsWith('multipart/form-data')) {
    upload.body.resume();
    return noFile;
  }
  let parser: ReturnType<typeof Busboy>;
  try {
    parser = Busboy({ headers: { 'content-type': upload.contentType }, limits: LIMITS });
  } catch {
    // No boundary in the content type.
    upload.body.resume();
    return noFile;
  }
  return new Promise<KeepResult>((resolve, reject) => {
    let kept: Promise<KeepResult> | null = null;
    parser.on('file', (field, stream, filename) => {
      // A file input left empty still sends its part, with an empty name (busboy: none) and no bytes.
      if (field !== IMPORT_FILE_FIELD || kept || !filename) {
        stream.resume();
        return;
      }
      // Whatever keepImportFile leaves unread (a refused name, a file over the limit) is drained, so the form's
      // remaining parts are still read and the request ends.
      kept = keepImportFile(db, { userId: upload.userId, filename, bytes: stream }, now).finally(() => stream.resume());
    });
    parser.on('finish', () => resolve(kept ?? noFile));
    parser.on('error', () => (kept ? kept.then(resolve, reject) : resolve(noFile)));
    upload.body.on('error', reject);
    upload.body.pipe(parser);
  });
}
