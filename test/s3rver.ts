import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { S3Storage } from '@/lib/storage/s3';

export interface S3rverHandle {
  storage: S3Storage;
  endpoint: string;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Where s3rver keeps the objects, to look behind the API's back in tests. */
  directory: string;
  /**
   * Sets the bucket's CORS rule the README asks for: pages from `origin` may PUT originals and GET objects
   * with presigned URLs (with the content-type header the PUT is signed with).
   */
  allowBrowserOrigin: (origin: string) => Promise<void>;
  stop: () => Promise<void>;
}

/** s3rver's fixed credentials. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const REGION = 'us-east-1';

/**
 * A real S3-API server (s3rver 3.7) on a free port of 127.0.0.1 with one empty bucket, and Loupe's S3 driver
 * pointed at it with path-style addressing, as for MinIO.
 */
export async function startS3rver(bucket = 'loupe-test'): Promise<S3rverHandle> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const connection = { region: REGION, endpoint, forcePathStyle: true, credentials: CREDENTIALS };
  const storage = new S3Storage({ bucket, ...connection });

  const allowBrowserOrigin = async (origin: string) => {
    const client = new S3Client({ ...connection, requestChecksumCalculation: 'WHEN_REQUIRED' });
    try {
      await client.send(
        new PutBucketCorsCommand({
          Bucket: bucket,
          CORSConfiguration: { CORSRules: [{ AllowedOrigins: [origin], AllowedMethods: ['PUT', 'GET'], AllowedHeaders: ['content-type'], MaxAgeSeconds: 600 }] },
        }),
      );
    } finally {
      client.destroy();
    }
  };

  return {
    storage,
    endpoint,
    bucket,
    region: REGION,
    credentials: CREDENTIALS,
    directory,
    allowBrowserOrigin,
    stop: async () => {
      await server.close();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}
