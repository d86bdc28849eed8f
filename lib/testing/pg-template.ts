/** Names shared by the PostgreSQL test harness and its globalSetup (which must not import vitest). */

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
