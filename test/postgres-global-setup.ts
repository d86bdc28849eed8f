import postgres from 'postgres';
import { openPostgres } from '@/db/client';
import { migrate } from '@/db/migrate';
import { templateDatabaseName, testDatabaseUrl, withDatabaseName } from './pg-template';

/** Migrates a template database once per run; each test file clones it (CREATE DATABASE ... TEMPLATE). */
export default async function setup(): Promise<void> {
  const base = testDatabaseUrl();
  const template = templateDatabaseName();
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${template}`);
  await admin.end();
  const handle = await openPostgres(withDatabaseName(base, template), { max: 1 });
  await migrate(handle);
  await handle.close();
}
