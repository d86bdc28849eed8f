import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver, { type S3rverContext } from 's3rver';
import { S3Storage } from '@/lib/storage/s3';

export interface S3rverHandle {
  storage: S3Storage;
  endpoint: string;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The settings a Loupe server process needs to keep its files in this bucket. */
  env: Record<string, string>;
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
  server.middleware.unshift(listPartsAndAbort(directory));
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
    env: {
      S3_BUCKET: bucket,
      S3_REGION: REGION,
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    },
    directory,
    allowBrowserOrigin,
    stop: async () => {
      await server.close();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * s3rver 3.7 does CreateMultipartUpload, UploadPart and CompleteMultipartUpload but answers ListParts and
 * AbortMultipartUpload with 405, and takes an UploadPart for an upload already completed or aborted (S3 answers
 * NoSuchUpload). These three answer from its own upload folders
 * (`<bucket>/._S3rver_uploads/<uploadId>/<partNumber>` with `<partNumber>.md5`), as S3 does: ListParts with
 * each part's number, size and ETag, NoSuchUpload once the upload is completed or aborted.
 */
function listPartsAndAbort(directory: string) {
  return async (ctx: S3rverContext, next: () => Promise<void>): Promise<void> => {
    const uploadId = typeof ctx.query.uploadId === 'string' ? ctx.query.uploadId : undefined;
    const isListParts = ctx.method === 'GET' && uploadId;
    const isAbort = ctx.method === 'DELETE' && uploadId;
    const isUploadPart = ctx.method === 'PUT' && uploadId;
    if (!uploadId || !(isListParts || isAbort || isUploadPart) || !/^[0-9a-f]+$/.test(uploadId)) return next();
    const [, bucket, ...keyParts] = ctx.path.split('/');
    const folder = path.join(directory, bucket, '._S3rver_uploads', uploadId);
    const names = await fs.readdir(folder).catch(() => null);
    if (names === null) {
      ctx.status = 404;
      ctx.type = 'application/xml';
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><UploadId>${uploadId}</UploadId></Error>`;
      return;
    }
    if (isUploadPart) return next();
    if (isAbort) {
      await fs.rm(folder, { recursive: true, force: true });
      ctx.status = 204;
      ctx.body = '';
      return;
    }
    const parts = await Promise.all(
      names
        .filter((name) => /^[0-9]+$/.test(name))
        .map(async (name) => {
          const stat = await fs.stat(path.join(folder, name));
          const md5 = (await fs.readFile(path.join(folder, `${name}.md5`), 'utf8').catch(() => '')).trim();
          return { partNumber: Number(name), size: stat.size, etag: md5 };
        }),
    );
    parts.sort((a, b) => a.partNumber - b.partNumber);
    ctx.status = 200;
    ctx.type = 'application/xml';
    ctx.body =
      '<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      `<Bucket>${bucket}</Bucket><Key>${keyParts.join('/')}</Key><UploadId>${uploadId}</UploadId><IsTruncated>false</IsTruncated>` +
      parts.map((part) => `<Part><PartNumber>${part.partNumber}</PartNumber><ETag>&quot;${part.etag}&quot;</ETag><Size>${part.size}</Size></Part>`).join('') +
      '</ListPartsResult>';
  };
}
