import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { S3Storage } from '@/lib/storage/s3';

export interface S3rverHandle {
  storage: S3Storage;
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps the objects, to look behind the API's back in tests. */
  directory: string;
  stop: () => Promise<void>;
}

/** s3rver's fixed credentials. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * A real S3-API server (s3rver 3.7) on a free port of 127.0.0.1 with one empty bucket, and Loupe's S3 driver
 * pointed at it with path-style addressing, as for MinIO.
 */
export async function startS3rver(bucket = 'loupe-test'): Promise<S3rverHandle> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const storage = new S3Storage({ bucket, region: 'us-east-1', endpoint, forcePathStyle: true, credentials: CREDENTIALS });
  return {
    storage,
    endpoint,
    bucket,
    directory,
    stop: async () => {
      await server.close();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}
