import { sql, type SQL } from 'drizzle-orm';
import { regconfigFor as searchConfigFor } from '@/lib/search';

/** The source locale's record status from the asset's columns (a failure: no text and a last error). */
const SOURCE_STATUS = sql`case a.alt_status
  when 'approved' then 'approved' when 'decorative' then 'decorative' when 'proposed' then 'proposed'
  else case when a.alt_text is null and a.alt_last_error is not null then 'failed' else 'missing' end end`;

/**
 * `insert into alt_texts as t (…) select … from assets a where <which>`: the source locale's record made from
 * the asset's alt columns (the projection lib/alt keeps in step), for lib/alt's writer and for adoption.
 * `failure` gives the failure code and message columns (SQL on `a`).
 */
export function sourceRecordInsert(locale: string, which: SQL, failure: { code: SQL; message: SQL }): SQL {
  return sql`insert into alt_texts as t (asset_id, locale, text, status, source, author, model, prompt_version, version, failure_code,
      failure_message, attempts, next_attempt_at, updated_at, search_config)
    select a.id, ${locale}, a.alt_text, ${SOURCE_STATUS}, a.alt_source, a.alt_author, a.alt_model, a.alt_prompt_version, a.version,
      case when a.alt_last_error is null then null else ${failure.code} end, case when a.alt_last_error is null then null else ${failure.message} end,
      a.alt_attempts, a.alt_next_attempt_at, coalesce(a.alt_updated_at, a.created_at), ${searchConfigFor(locale)}
    from assets a where ${which}`;
}
