import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rows } from '@/db/client';
import { useTestDatabase } from './db';

describe('test database', () => {
  const database = useTestDatabase();

  it('is migrated and has pgvector', async () => {
    const [extension] = await rows<{ extversion: string }>(database().db, sql`select extversion from pg_extension where extname = 'vector'`);
    expect(extension.extversion).toMatch(/^0\.8\./);
  });
});
