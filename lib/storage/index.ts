import { config } from '@/lib/config';
import { LocalStorage } from './local';
import type { Storage } from './types';

export type { Storage, SignedRequest, StoredObject, UploadedPart } from './types';
export { newOriginalKey, newUploadKey, newDerivativePrefix, derivativeKey, newRenditionKey, isValidKey, newImportFileKey, importFileKey, newDownloadKey } from './keys';
export { verifyLocalUrl, LOCAL_FILES_PATH, LocalStorage, type GrantCheck } from './local';
export { storageSpace, type SpaceReport } from './space';
export { parseByteRange, type ByteRange } from './range';

const globalForStorage = globalThis as unknown as { loupeStorage?: Promise<Storage> };

/** The configured storage: S3 when S3_BUCKET is set, local files under DATA_DIR otherwise. */
export function getStorage(): Promise<Storage> {
  globalForStorage.loupeStorage ??= createStorage();
  return globalForStorage.loupeStorage;
}

/** Tests point storage at a temporary folder or an s3rver bucket. */
export function useStorageForTests(storage: Storage | undefined): void {
  globalForStorage.loupeStorage = storage ? Promise.resolve(storage) : undefined;
}

async function createStorage(): Promise<Storage> {
  const settings = config().storage;
  if (settings.driver === 'local') return new LocalStorage(settings.root);
  const { S3Storage } = await import('./s3');
  return new S3Storage(settings);
}
export { S3Storage, contentDisposition } from './s3';
