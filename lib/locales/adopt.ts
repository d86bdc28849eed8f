import { sql } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { sourceLocale } from './locales';
import { sourceRecordInsert } from './source-record';

/**
 * After the SQL migrations (db/migrate.ts): every asset without a record in the configured source locale gets
 * one, copied from its alt_* columns. SQL cannot do it (the source locale is a setting), and it is idempotent:
 * run at every start, it creates only what is missing, so a source locale configured later is adopted too.
 * Failures stored before 0020 were prose ("timeout: …", or a bare message when no provider was set): read once
 * here into a code and a message; from then on their writer stores them apart.
 */
export async function adoptSourceRecords(db: Pick<Db, 'execute'>): Promise<void> {
  const code = sql`case when a.alt_last_error ~ '^[a-z_]+: ' then split_part(a.alt_last_error, ':', 1) else 'no_provider' end`;
  const message = sql`case when a.alt_last_error ~ '^[a-z_]+: ' then substr(a.alt_last_error, strpos(a.alt_last_error, ': ') + 2) else a.alt_last_error end`;
  await db.execute(
    sql`${sourceRecordInsert(sourceLocale(), sql`not exists (select 1 from alt_texts s where s.asset_id = a.id and s.locale = ${sourceLocale()})`, { code, message })}
      on conflict (asset_id, locale) do nothing`,
  );
}
