import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable Loupe reads, parsed and validated once. Nothing else reads process.env.
 * `config()` is imported at start-up (instrumentation.ts), so a bad value fails at boot, not at first use.
 */

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const boolFlag = (fallback: boolean) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .enum(['true', 'false', '1', '0'])
      .optional()
      .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1')),
  );
const positiveInt = (fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(fallback));
const nonNegativeNumber = (fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().min(0).default(fallback));

/**
 * LOCALES: BCP 47 tags, comma-separated, the first the source locale. Each is canonicalised (`pt-br` →
 * `pt-BR`) so a tag is spelled one way in the database, the API and CSV columns.
 */
function parseLocales(value: string, ctx: z.RefinementCtx): string[] {
  const tags = value.split(',').map((tag) => tag.trim());
  const canonical: string[] = [];
  for (const tag of tags) {
    let spelled: string | undefined;
    try {
      spelled = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag) ? Intl.getCanonicalLocales(tag)[0] : undefined;
    } catch {
      spelled = undefined;
    }
    if (!spelled) {
      ctx.addIssue({ code: 'custom', message: `"${tag}" is not a BCP 47 language tag: list tags such as en,fr,de,pt-BR (the first is the source locale)` });
      return z.NEVER;
    }
    if (canonical.includes(spelled)) {
      ctx.addIssue({ code: 'custom', message: `${spelled} is listed twice: list each locale once` });
      return z.NEVER;
    }
    canonical.push(spelled);
  }
  return canonical;
}

/** S3's smallest part (every part but the last). */
const MIN_PART_BYTES = 5 * 1024 * 1024;

const envSchema = z
  .object({
    NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(['development', 'production', 'test']).default('development')),
    DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('.data')),
    APP_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
    DATABASE_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^postgres(ql)?$/ }).optional()),
    SESSION_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional()),

    S3_BUCKET: optionalString,
    S3_REGION: z.preprocess(emptyAsUndefined, z.string().default('us-east-1')),
    S3_ENDPOINT: z.preprocess(emptyAsUndefined, z.url().optional()),
    S3_FORCE_PATH_STYLE: boolFlag(false),
    S3_ACCESS_KEY_ID: optionalString,
    S3_SECRET_ACCESS_KEY: optionalString,
    S3_PUBLIC: boolFlag(false),

    UPLOAD_MAX_BYTES: positiveInt(5 * 1024 * 1024 * 1024),
    UPLOAD_PART_THRESHOLD_BYTES: positiveInt(100 * 1024 * 1024),
    // S3 refuses parts under 5 MiB (all but the last), so no smaller size is allowed on any driver.
    UPLOAD_PART_SIZE_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(MIN_PART_BYTES, `UPLOAD_PART_SIZE_BYTES must be at least ${MIN_PART_BYTES} (5 MiB), the smallest part S3 accepts`).default(16 * 1024 * 1024)),
    MAX_INPUT_PIXELS: positiveInt(100_000_000),
    UPLOAD_URL_TTL_SECONDS: positiveInt(15 * 60),
    DOWNLOAD_URL_TTL_SECONDS: positiveInt(60 * 60),
    SHARP_CONCURRENCY: positiveInt(2),
    SHARP_PIXELS_IN_FLIGHT: positiveInt(150_000_000),

    VISION_PROVIDER: z.preprocess(emptyAsUndefined, z.enum(['groq', 'openai', 'none']).optional()),
    GROQ_API_KEY: optionalString,
    GROQ_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
    VISION_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
    VISION_API_KEY: optionalString,
    VISION_MODEL: z.preprocess(emptyAsUndefined, z.string().default('qwen/qwen3.8-27b')),
    VISION_TEMPERATURE: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).max(2).default(0.2)),
    VISION_MAX_TOKENS: positiveInt(1024),
    VISION_TIMEOUT_MS: positiveInt(15_000),
    VISION_MAX_RETRY_WAIT_MS: nonNegativeNumber(10_000),
    VISION_IMAGE_TRANSPORT: z.preprocess(emptyAsUndefined, z.enum(['url', 'base64']).optional()),
    VISION_CONCURRENCY: positiveInt(2),
    ALT_MIN_IMAGE_PX: positiveInt(32),
    VISION_PRICE_INPUT_PER_MTOK: nonNegativeNumber(0.8),
    VISION_PRICE_OUTPUT_PER_MTOK: nonNegativeNumber(4),
    VISION_REASONING: z.preprocess(emptyAsUndefined, z.enum(['off', 'hidden', 'omit']).default('off')),

    EMBEDDING_PROVIDER: z.preprocess(emptyAsUndefined, z.enum(['local', 'openai']).default('local')),
    EMBEDDING_MODEL: z.preprocess(emptyAsUndefined, z.string().default('Xenova/all-MiniLM-L6-v2')),
    EMBEDDING_MODEL_DIR: optionalString,
    EMBEDDING_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
    EMBEDDING_API_KEY: optionalString,
    EMBEDDING_DIMENSIONS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().optional()),

    BENCH_DATABASE_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/postgres')),

    BACKFILL_BATCH_SIZE: positiveInt(50),
    BACKFILL_MODE: z.preprocess(emptyAsUndefined, z.enum(['online', 'batch']).default('online')),
    BACKFILL_BATCH_RETRY: z.preprocess(emptyAsUndefined, z.enum(['batch', 'online']).default('batch')),
    BACKFILL_BATCH_POLL_SECONDS: positiveInt(300),
    // Groq takes completion windows from 24 hours to 7 days.
    BACKFILL_BATCH_WINDOW: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^(?:(?:2[4-9]|[3-9]\d|1[0-5]\d|16[0-8])h|[1-7]d)$/, 'BACKFILL_BATCH_WINDOW must be a duration Groq accepts, from 24h to 7d (for example 24h, 48h or 7d)')
        .default('24h'),
    ),
    ALT_IMAGE_MAX_EDGE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(128, 'ALT_IMAGE_MAX_EDGE must be at least 128 px').max(1200, 'ALT_IMAGE_MAX_EDGE must be at most 1200 px, the size of the stored vision image').default(1200)),

    JOBS_SWEEPER: boolFlag(true),
    JOBS_SWEEP_INTERVAL_MS: positiveInt(10_000),
    JOBS_CONCURRENCY: positiveInt(2),
    JOBS_LEASE_SECONDS: positiveInt(60),
    JOBS_INSTANCE_STALE_SECONDS: positiveInt(10),

    VISION_RPM: z.preprocess(emptyAsUndefined, z.coerce.number().positive().optional()),
    VISION_TPM: z.preprocess(emptyAsUndefined, z.coerce.number().positive().optional()),
    VISION_RPD: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().optional()),
    BACKFILL_MAX_IMAGES_PER_DAY: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().optional()),
    BACKFILL_MAX_USD_PER_DAY: z.preprocess(emptyAsUndefined, z.coerce.number().positive().optional()),
    CRON_SECRET: z.preprocess(emptyAsUndefined, z.string().min(16, 'CRON_SECRET must be at least 16 characters').optional()),
    NOTIFY_WEBHOOK_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
    PORT: positiveInt(3000),
    ALT_MAX_LENGTH: positiveInt(250),
    TRASH_DAYS: positiveInt(30),
    EVENTS_KEEP_DAYS: positiveInt(30),

    TRUST_PROXY: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^(true|false|\d{1,2})$/, 'use false (no proxy), true (one proxy) or the number of proxies in front of Loupe')
        .default('false')
        .transform((value) => (value === 'true' ? 1 : value === 'false' ? 0 : Number(value))),
    ),
    UPLOADS_PER_MINUTE: positiveInt(120),
    REGENERATIONS_PER_MINUTE: positiveInt(30),
    SHARE_GUESSES_PER_MINUTE: positiveInt(20),
    DOWNLOADS_STREAM_MAX_PHOTOS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(10_000).default(200)),
    DOWNLOADS_KEEP_DAYS: positiveInt(7),
    FFMPEG_PATH: optionalString,
    FFPROBE_PATH: optionalString,
    VIDEO_MAX_SECONDS: positiveInt(600),
    VIDEO_MAX_PIXELS: positiveInt(7680 * 4320),
    FFMPEG_TIMEOUT_MS: positiveInt(120_000),
    VIDEO_CONCURRENCY: positiveInt(1),
    WEBHOOKS_ALLOW_PRIVATE: boolFlag(false),
    WEBHOOKS_TIMEOUT_MS: positiveInt(10_000),
    CONNECTIONS_KEY: z.preprocess(emptyAsUndefined, z.string().min(32, 'CONNECTIONS_KEY must be at least 32 characters (for example: openssl rand -base64 32)').optional()),
    CONNECTIONS_ALLOW_PRIVATE: boolFlag(false),
    CONNECTIONS_BULK_WRITE_FROM: positiveInt(1000),
    SHOPIFY_API_VERSION: z.preprocess(emptyAsUndefined, z.string().regex(/^\d{4}-(01|04|07|10)$/, 'SHOPIFY_API_VERSION must be a stable Admin API version such as 2026-10 (YYYY-01, -04, -07 or -10)').default('2026-10')),
    SMTP_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^smtps?$/, error: 'SMTP_URL must be smtp://user:pass@host:587 or smtps://user:pass@host:465' }).optional()),
    SMTP_FROM: optionalString,
    LOCALES: z.preprocess(emptyAsUndefined, z.string().default('en').transform(parseLocales)),
  })
  .superRefine((env, ctx) => {
    if (env.S3_BUCKET && (!env.S3_ACCESS_KEY_ID) !== (!env.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({ code: 'custom', path: ['S3_ACCESS_KEY_ID'], message: 'set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (to use the default AWS credential chain)' });
    }
    if (env.VISION_PROVIDER === 'groq' && !env.GROQ_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['GROQ_API_KEY'], message: 'VISION_PROVIDER=groq needs GROQ_API_KEY' });
    }
    if (env.VISION_PROVIDER === 'openai' && !env.VISION_BASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['VISION_BASE_URL'], message: 'VISION_PROVIDER=openai needs VISION_BASE_URL (an OpenAI-compatible endpoint, e.g. http://localhost:11434/v1)' });
    }
    if (env.SMTP_URL && !env.SMTP_FROM) {
      ctx.addIssue({ code: 'custom', path: ['SMTP_FROM'], message: 'SMTP_URL needs SMTP_FROM, the sender invites come from (e.g. "Loupe <loupe@example.com>")' });
    }
    if (env.EMBEDDING_PROVIDER === 'openai' && !env.EMBEDDING_BASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['EMBEDDING_BASE_URL'], message: 'EMBEDDING_PROVIDER=openai needs EMBEDDING_BASE_URL' });
    }
  });

type Env = z.infer<typeof envSchema>;

export type VisionProviderName = 'groq' | 'openai';

function structure(env: Env) {
  const dataDir = path.resolve(env.DATA_DIR);
  const visionProvider: VisionProviderName | null =
    env.VISION_PROVIDER === 'none' ? null : (env.VISION_PROVIDER ?? (env.GROQ_API_KEY ? 'groq' : env.VISION_BASE_URL ? 'openai' : null));
  const storage = env.S3_BUCKET
    ? ({
        driver: 's3',
        bucket: env.S3_BUCKET,
        region: env.S3_REGION,
        endpoint: env.S3_ENDPOINT,
        forcePathStyle: env.S3_FORCE_PATH_STYLE,
        credentials:
          env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
            ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
            : undefined,
        publiclyReachable: env.S3_PUBLIC,
      } as const)
    : ({ driver: 'local', root: path.join(dataDir, 'storage') } as const);
  return {
    env: env.NODE_ENV,
    dataDir,
    appUrl: env.APP_URL,
    database: env.DATABASE_URL
      ? ({ driver: 'postgres', url: env.DATABASE_URL } as const)
      : ({ driver: 'pglite', dir: path.join(dataDir, 'pglite') } as const),
    sessionSecret: env.SESSION_SECRET,
    storage,
    upload: {
      maxBytes: env.UPLOAD_MAX_BYTES,
      maxInputPixels: env.MAX_INPUT_PIXELS,
      urlTtlSeconds: env.UPLOAD_URL_TTL_SECONDS,
      /** Files larger than this are uploaded in parts (resumable); smaller ones with one PUT. */
      partThresholdBytes: env.UPLOAD_PART_THRESHOLD_BYTES,
      partSizeBytes: env.UPLOAD_PART_SIZE_BYTES,
    },
    downloadUrlTtlSeconds: env.DOWNLOAD_URL_TTL_SECONDS,
    sharpConcurrency: env.SHARP_CONCURRENCY,
    /** Pixels that the decodes in flight may declare together; one bigger than this runs alone. */
    sharpPixelsInFlight: env.SHARP_PIXELS_IN_FLIGHT,
    vision: {
      provider: visionProvider,
      groqApiKey: env.GROQ_API_KEY,
      groqBaseUrl: env.GROQ_BASE_URL,
      baseUrl: env.VISION_BASE_URL,
      apiKey: env.VISION_API_KEY,
      model: env.VISION_MODEL,
      temperature: env.VISION_TEMPERATURE,
      maxTokens: env.VISION_MAX_TOKENS,
      timeoutMs: env.VISION_TIMEOUT_MS,
      maxRetryWaitMs: env.VISION_MAX_RETRY_WAIT_MS,
      // Signed URLs only help when the provider can fetch them: public S3 buckets. Everything else goes inline.
      imageTransport: env.VISION_IMAGE_TRANSPORT ?? (storage.driver === 's3' && storage.publiclyReachable ? 'url' : 'base64'),
      concurrency: env.VISION_CONCURRENCY,
      minImagePx: env.ALT_MIN_IMAGE_PX,
      pricePerMTok: { input: env.VISION_PRICE_INPUT_PER_MTOK, output: env.VISION_PRICE_OUTPUT_PER_MTOK },
      reasoning: env.VISION_REASONING,
      limits: { requestsPerMinute: env.VISION_RPM, tokensPerMinute: env.VISION_TPM, requestsPerDay: env.VISION_RPD },
      /** The longest side of the image the model sees (the 1200 px vision derivative, made smaller before sending). */
      imageMaxEdge: env.ALT_IMAGE_MAX_EDGE,
    },
    embedding: {
      provider: env.EMBEDDING_PROVIDER,
      model: env.EMBEDDING_MODEL,
      modelDir: env.EMBEDDING_MODEL_DIR ? path.resolve(env.EMBEDDING_MODEL_DIR) : undefined,
      cacheDir: path.join(dataDir, 'models'),
      baseUrl: env.EMBEDDING_BASE_URL,
      apiKey: env.EMBEDDING_API_KEY,
      dimensions: env.EMBEDDING_DIMENSIONS,
    },
    backfill: {
      batchSize: env.BACKFILL_BATCH_SIZE,
      /** online: one paced call per photo; batch: Groq's Batch API (half price, results within the window). */
      mode: env.BACKFILL_MODE,
      /** Where a batch's failed or expired lines go: into the next batch, or to online calls. */
      batchRetry: env.BACKFILL_BATCH_RETRY,
      batchPollSeconds: env.BACKFILL_BATCH_POLL_SECONDS,
      batchWindow: env.BACKFILL_BATCH_WINDOW,
      maxImagesPerDay: env.BACKFILL_MAX_IMAGES_PER_DAY,
      maxUsdPerDay: env.BACKFILL_MAX_USD_PER_DAY,
      cronSecret: env.CRON_SECRET,
      notifyWebhookUrl: env.NOTIFY_WEBHOOK_URL,
    },
    /** Where this machine's server listens (Next.js reads PORT itself); CLIs use it to reach the running server. */
    port: env.PORT,
    jobs: { sweeper: env.JOBS_SWEEPER, sweepIntervalMs: env.JOBS_SWEEP_INTERVAL_MS, concurrency: env.JOBS_CONCURRENCY, leaseSeconds: env.JOBS_LEASE_SECONDS, instanceStaleSeconds: env.JOBS_INSTANCE_STALE_SECONDS },
    /** The review queue flags alt text longer than this (lib/review). */
    review: { maxAltLength: env.ALT_MAX_LENGTH },
    /** Days a deleted asset stays in the trash (restorable, files kept) before the purge job removes it. */
    trashDays: env.TRASH_DAYS,
    /** Days an event stays in the outbox (lib/events) before the sweeper prunes it, with its webhook deliveries' log. */
    eventsKeepDays: env.EVENTS_KEEP_DAYS,
    video: {
      ffmpegPath: env.FFMPEG_PATH,
      ffprobePath: env.FFPROBE_PATH,
      maxSeconds: env.VIDEO_MAX_SECONDS,
      maxPixels: env.VIDEO_MAX_PIXELS,
      timeoutMs: env.FFMPEG_TIMEOUT_MS,
      concurrency: env.VIDEO_CONCURRENCY,
    },
    /** Server for `npm run bench:search`, which creates and drops its own database (loupe_bench) there. */
    benchDatabaseUrl: env.BENCH_DATABASE_URL,
    /** How many proxies in front of Loupe append to X-Forwarded-For; 0: the header is the client's own claim. */
    trustedProxyHops: env.TRUST_PROXY,
    rateLimits: { uploadsPerMinute: env.UPLOADS_PER_MINUTE, regenerationsPerMinute: env.REGENERATIONS_PER_MINUTE, shareGuessesPerMinute: env.SHARE_GUESSES_PER_MINUTE },
    /** ZIPs of more photos than streamMaxPhotos are built by a job into storage and kept keepDays (lib/downloads). */
    downloads: { streamMaxPhotos: env.DOWNLOADS_STREAM_MAX_PHOTOS, keepDays: env.DOWNLOADS_KEEP_DAYS },
    /**
     * Outgoing webhooks (lib/webhooks). Private, loopback and link-local receivers are refused (SSRF) unless
     * allowPrivate: for tests, and for an intranet where Loupe and the receiver share a network on purpose.
     */
    webhooks: { allowPrivate: env.WEBHOOKS_ALLOW_PRIVATE, timeoutMs: env.WEBHOOKS_TIMEOUT_MS },
    /**
     * Connected stores (lib/connections). Their credentials are encrypted with a key derived from `key`
     * (CONNECTIONS_KEY), or else from SESSION_SECRET (or the generated signing secret). A store on a private or
     * loopback address is refused unless allowPrivate, as for webhooks.
     */
    connections: {
      key: env.CONNECTIONS_KEY,
      allowPrivate: env.CONNECTIONS_ALLOW_PRIVATE,
      /** Waiting writes to one store from which a store that runs bulk operations (Shopify) gets one instead of calls. */
      bulkWriteFrom: env.CONNECTIONS_BULK_WRITE_FROM,
      shopifyApiVersion: env.SHOPIFY_API_VERSION,
    },
    /**
     * The languages alt text is kept in (lib/alt's records): the first is the source locale, described from the
     * image and kept on the asset's own columns too; the others are translated from its approved text.
     */
    locales: { source: env.LOCALES[0], all: env.LOCALES, others: env.LOCALES.slice(1) },
    /** Email (invites) through this SMTP server; null: Loupe sends none and admins pass invite links on themselves. */
    mail: env.SMTP_URL && env.SMTP_FROM ? { smtpUrl: env.SMTP_URL, from: env.SMTP_FROM } : null,
  };
}

export type Config = ReturnType<typeof structure>;

export class ConfigError extends Error {}

/** Parses an environment into Loupe's configuration, or throws a ConfigError naming every bad variable. */
export function parseConfig(source: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee README.md and .env.example for every variable.`);
  }
  return structure(parsed.data);
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Tests change the environment and then call this; production never does. */
export function resetConfig(): void {
  cached = undefined;
}
