import postgres from 'postgres';
import { openPostgres } from '@/db/client';
import { migrate } from '@/db/migrate';
import { POSTGRES_TEMPLATE_DB, testDatabaseUrl, withDatabaseName } from './db';

/** Migrates a template database once per run; each test file clones it (CREATE DATABASE ... TEMPLATE). */
export default async function setup(): Promise<void> {
  const base = testDatabaseUrl();
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${POSTGRES_TEMPLATE_DB} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${POSTGRES_TEMPLATE_DB}`);
  await admin.end();
  const handle = await openPostgres(withDatabaseName(base, POSTGRES_TEMPLATE_DB), { max: 1 });
  await migrate(handle);
  await handle.close();
}
