import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** Names and scratch databases shared by the PostgreSQL test harnesses and globalSetup (which must not import vitest). */

/** Named after TEST_DATABASE_URL's database, so separate runs against separate databases never share a template. */
export function templateDatabaseName(): string {
  const base = new URL(testDatabaseUrl()).pathname.slice(1) || 'postgres';
  return `loupe_template_${base.replace(/[^a-z0-9_]/gi, '_')}`;
}

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  return url;
}

export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export interface ScratchDatabase {
  url: string;
  drop: () => Promise<void>;
}

/**
 * A new database with a random name on the server `serverUrl` points at (a copy of `template` when given),
 * and how to drop it again, closing whatever connections are still open.
 */
export async function createScratchDatabase(serverUrl: string, prefix: string, template?: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabaseName(serverUrl, name),
    drop: async () => {
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
