import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { connectorFor, type Connector, type StoreAccess } from '@/lib/connectors';
import type { WordPressSite } from './wordpress';

/**
 * Loupe against the real test WordPress (test/wordpress.ts): the WordPress connector at a pace of the test's
 * choosing, and a count of the writes WordPress completed.
 */

/**
 * The real WordPress connector with its pacing ceiling raised (or lowered): both Loupe's per-connection call
 * schedule (limits) and the connector's own pacer (access.pace) follow it. The test site is on this machine;
 * the default 8 calls a second is a public shop's courtesy, and would only make the tests slow.
 */
export function pacedWordPress(pace: { concurrency: number; requestsPerSecond: number }): Connector {
  const real = connectorFor('wordpress');
  const paced = (access: StoreAccess): StoreAccess => ({ ...access, pace });
  return {
    ...real,
    limits: { ...real.limits, ...pace },
    verify: (access) => real.verify(paced(access)),
    listChangedImages: (access, options) => real.listChangedImages(paced(access), options),
    fetchImage: (access, image, options) => real.fetchImage(paced(access), image, options),
    readAlt: (access, remoteId) => real.readAlt(paced(access), remoteId),
    writeAlt: (access, remoteId, altText) => real.writeAlt(paced(access), remoteId, altText),
  };
}

const COUNTER = path.resolve(process.cwd(), 'test', 'wordpress-php', 'write-counter.php');

/** Installs the write counter (test/wordpress-php/write-counter.php) as a must-use plugin. */
export function countWrites(site: WordPressSite): void {
  fs.copyFileSync(COUNTER, path.join(site.root, 'wp-content', 'mu-plugins', 'write-counter.php'));
}

/** The media ids WordPress completed an edit of through the REST API, one entry per edit, in order. */
export function writesOf(site: WordPressSite): number[] {
  const log = path.join(site.root, 'wp-content', 'alt-writes.log');
  if (!fs.existsSync(log)) return [];
  return fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map(Number);
}

/** Every media item's alt text as WordPress's database holds it (one query, not one PHP run per item). */
export async function altsOf(site: WordPressSite): Promise<Map<number, string>> {
  const { stdout } = await promisify(execFile)('mariadb', ['-u', 'root', '--batch', '--skip-column-names', '-e', "select post_id, meta_value from wp_postmeta where meta_key = '_wp_attachment_image_alt'", site.database], { maxBuffer: 16 * 1024 * 1024 });
  return new Map(
    stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [id, ...alt] = line.split('\t');
        return [Number(id), alt.join('\t')] as const;
      }),
  );
}
