import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fixturesAvailable } from './fixtures';

/**
 * A real WordPress for the tests (Debian's `wordpress` package, PHP's built-in server, MariaDB), started by the
 * tests themselves: one fresh site per call, in seconds. Works from vitest (beforeAll/afterAll) and from
 * Playwright (test.beforeAll), since it imports nothing from either.
 *
 * The site is a private tree in a temp dir: WordPress's top-level PHP files copied (wp-load.php finds its
 * wp-config.php beside itself, by its own path, so a symlink would lead back to Debian's wp-config.php, which
 * wants /etc/wordpress/config-<host>.php), wp-includes symlinked, wp-admin's entry files copied for the same
 * reason, its folders symlinked, and a wp-content of its own (uploads, mu-plugins). Nothing is written outside
 * the temp dir and the site's own database and MariaDB user, both dropped by stop().
 */

const WORDPRESS_DIR = '/usr/share/wordpress';
/** control.php, router.php and the WooCommerce fake; tests run from the repository's root, as fixtures.ts assumes. */
const PHP_DIR = path.resolve(process.cwd(), 'test', 'wordpress-php');
/** The shared product photos (../shared/fixtures/products): real JPEGs to seed the media library with. */
export const PRODUCT_PHOTOS_DIR = path.resolve(process.cwd(), '..', 'shared', 'fixtures', 'products');

/**
 * Whether this machine can run a WordPress (Debian's wordpress package, php, MariaDB's client): tests skip
 * without it on a developer's machine, but under CI=true its absence fails, as .ci/setup-machine.sh installs it.
 */
export function wordpressAvailable(): boolean {
  const present = fs.existsSync(path.join(WORDPRESS_DIR, 'wp-settings.php')) && ['/usr/bin/php', '/usr/bin/mariadb'].every((file) => fs.existsSync(file));
  if (!present && process.env.CI === 'true') throw new Error('WordPress, PHP or MariaDB is missing; CI must run .ci/setup-machine.sh first.');
  // The site is seeded with the shared product photos: without ../shared the tests skip, as other fixture tests do.
  return present && fixturesAvailable();
}

export interface WordPressUser {
  userId: number;
  username: string;
  applicationPassword: string;
}

export interface MediaSeed {
  /** A fixture file name in PRODUCT_PHOTOS_DIR ("10053.jpg") or an absolute path. */
  file: string;
  /** `_wp_attachment_image_alt`; '' or absent: none. */
  alt?: string;
  title?: string;
  /** The parent post (attachment's post_parent). */
  parent?: number;
  /** Pins the attachment's date and modified time (ISO 8601, UTC), so `modified_after` can be tested without waiting. */
  modifiedGmt?: string;
}

export interface WordPressSite {
  /** The site's base URL, http://127.0.0.1:<port>. */
  url: string;
  /** An editor (may upload and edit media) with an application password. */
  username: string;
  applicationPassword: string;
  userId: number;
  /** The site's files (wp-content/uploads holds the seeded media). */
  root: string;
  database: string;
  /** Another user with its own application password ("subscriber" may not edit media). */
  createUser(username: string, role: 'subscriber' | 'contributor' | 'author' | 'editor' | 'administrator'): Promise<WordPressUser>;
  /** Uploads real images as attachments; answers their ids in order. */
  seedMedia(items: MediaSeed[]): Promise<number[]>;
  /** Many attachments at once (one transaction): `count` copies of the fixtures, each with unique bytes. */
  seedBulkMedia(count: number, options?: { withAlt?: boolean; modifiedGmt?: string }): Promise<number[]>;
  /** A published post (the parent a photo is attached to), with categories by name. */
  createPost(title: string, categories?: string[]): Promise<number>;
  /** Changes an image's alt text as a shop editor does in the media library (the attachment's modified time moves). */
  editAlt(mediaId: number, alt: string): Promise<void>;
  /** The alt text WordPress holds, read from its database (not through the REST API). */
  readAlt(mediaId: number): Promise<string>;
  deleteMedia(mediaId: number): Promise<void>;
  /** Revokes every application password of a user (default: the editor). */
  revokePasswords(userId?: number): Promise<void>;
  /** Pretty permalinks on (/wp-json/ works) or off (the REST API answers only at /?rest_route=). */
  setPrettyPermalinks(pretty: boolean): Promise<void>;
  /** The site's time zone (Settings › General), e.g. 'Europe/Berlin'; new sites run on UTC. */
  setTimezone(timezone: string): Promise<void>;
  /** Runs a command of control.php inside WordPress (for helpers such as test/woocommerce-fake.ts). */
  control<T>(command: string, args: object): Promise<T>;
  /** Stops PHP, drops the database and its user, removes the files. */
  stop(): Promise<void>;
}

function run(file: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.slice(0, 3).join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** SQL as root over MariaDB's socket (root, no password, as Debian sets it up). */
function sql(statements: string): Promise<string> {
  return run('mariadb', ['-u', 'root', '--batch', '-e', statements]);
}

/** MariaDB must be running; CI starts it (.ci/setup-machine.sh), a developer machine may have it stopped. */
async function ensureMariaDb(): Promise<void> {
  try {
    await sql('select 1');
    return;
  } catch {
    await run('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd']);
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await sql('select 1');
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error('MariaDB did not start: run .ci/setup-machine.sh');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The private tree described above. */
function buildTree(root: string): void {
  for (const entry of fs.readdirSync(WORDPRESS_DIR, { withFileTypes: true })) {
    const from = path.join(WORDPRESS_DIR, entry.name);
    const to = path.join(root, entry.name);
    if (entry.name === 'wp-config.php' || entry.name === 'wp-content') continue;
    if (entry.name === 'wp-admin') {
      fs.mkdirSync(to);
      for (const inner of fs.readdirSync(from, { withFileTypes: true })) {
        if (inner.isFile()) fs.copyFileSync(path.join(from, inner.name), path.join(to, inner.name));
        else fs.symlinkSync(path.join(from, inner.name), path.join(to, inner.name));
      }
    } else if (entry.isFile()) {
      fs.copyFileSync(from, to);
    } else {
      fs.symlinkSync(from, to);
    }
  }
  fs.mkdirSync(path.join(root, 'wp-content', 'uploads'), { recursive: true });
  fs.mkdirSync(path.join(root, 'wp-content', 'mu-plugins'));
  fs.symlinkSync(path.join(WORDPRESS_DIR, 'wp-content', 'plugins'), path.join(root, 'wp-content', 'plugins'));
  fs.symlinkSync(path.join(WORDPRESS_DIR, 'wp-content', 'themes'), path.join(root, 'wp-content', 'themes'));
}

function phpString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function wpConfig(options: { url: string; root: string; database: string; dbUser: string; dbPassword: string }): string {
  const salts = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT']
    .map((name) => `define('${name}', '${randomBytes(32).toString('hex')}');`)
    .join('\n');
  return `<?php
define('DB_NAME', ${phpString(options.database)});
define('DB_USER', ${phpString(options.dbUser)});
define('DB_PASSWORD', ${phpString(options.dbPassword)});
define('DB_HOST', 'localhost');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
${salts}
$table_prefix = 'wp_';
define('WP_HOME', ${phpString(options.url)});
define('WP_SITEURL', ${phpString(options.url)});
define('WP_CONTENT_DIR', ${phpString(path.join(options.root, 'wp-content'))});
define('WP_CONTENT_URL', ${phpString(`${options.url}/wp-content`)});
// Application Passwords over plain HTTP: WordPress allows them without HTTPS on a 'local' site only.
define('WP_ENVIRONMENT_TYPE', 'local');
// A test site never calls out: no updates, no cron loopback requests, no HTTP to anywhere.
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('FS_METHOD', 'direct');
define('WP_DEBUG', false);
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
`;
}

async function waitForHttp(url: string, php: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (php.exitCode !== null) throw new Error(`php -S exited (${php.exitCode}): ${log()}`);
    try {
      await fetch(url, { redirect: 'manual' });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`php -S did not answer at ${url}: ${log()}`);
}

export interface StartOptions {
  title?: string;
  /** php -S workers (PHP_CLI_SERVER_WORKERS): more than one lets a client's parallel calls run in parallel. */
  workers?: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what sites of test processes that died without stop() (kill -9, a crashed run) left: every name
 * carries its process id, and only those of processes no longer running are dropped.
 */
async function removeLeftovers(): Promise<void> {
  const leftover = (name: string) => {
    const pid = Number(/^loupe_wp_(\d+)_/.exec(name)?.[1] ?? /^loupe-wordpress-(\d+)-/.exec(name)?.[1]);
    return Number.isSafeInteger(pid) && pid > 0 && !alive(pid);
  };
  const databases = (await sql("SHOW DATABASES LIKE 'loupe\\_wp\\_%'")).split('\n').slice(1).filter(leftover);
  const users = (await sql("SELECT User FROM mysql.user WHERE User LIKE 'loupe\\_wp\\_%'")).split('\n').slice(1).filter(leftover);
  const statements = [...databases.map((name) => `DROP DATABASE IF EXISTS \`${name}\`;`), ...users.map((name) => `DROP USER IF EXISTS '${name}'@'localhost';`)];
  if (statements.length) await sql(statements.join(' '));
  for (const name of fs.readdirSync(os.tmpdir()).filter(leftover)) {
    const root = path.join(os.tmpdir(), name);
    // Its php -S outlived it: found by the site's root on its command line.
    for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
      const command = (() => {
        try {
          return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          return '';
        }
      })();
      if (command.startsWith('php\u0000-S\u0000') && command.includes(`\u0000${root}\u0000`)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }
    }
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Starts a fresh WordPress: its own database, files and port; installed, with an editor and an application password. */
export async function startWordPress(options: StartOptions = {}): Promise<WordPressSite> {
  await ensureMariaDb();
  await removeLeftovers();
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const database = `loupe_wp_${id}`;
  const dbUser = `loupe_wp_${process.pid}_${randomBytes(4).toString('hex')}`;
  const dbPassword = randomBytes(16).toString('hex');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `loupe-wordpress-${process.pid}-`));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;

  buildTree(root);
  fs.writeFileSync(path.join(root, 'wp-config.php'), wpConfig({ url, root, database, dbUser, dbPassword }));
  await sql(
    `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4; CREATE USER '${dbUser}'@'localhost' IDENTIFIED BY '${dbPassword}'; GRANT ALL ON \`${database}\`.* TO '${dbUser}'@'localhost';`,
  );

  const control = async <T>(command: string, args: object): Promise<T> => {
    const output = await run('php', [path.join(PHP_DIR, 'control.php'), root, command], JSON.stringify({ url, ...args }));
    const last = output.trim().split('\n').at(-1) ?? '';
    return JSON.parse(last) as T;
  };

  let php: ChildProcess | null = null;
  const stop = async () => {
    if (php?.pid && php.exitCode === null) {
      const exited = new Promise((resolve) => php!.once('exit', resolve));
      // The whole process group: with PHP_CLI_SERVER_WORKERS, php -S forks workers that outlive a signal to the
      // parent alone. Nothing in php -S needs a graceful end.
      process.kill(-php.pid, 'SIGKILL');
      await exited;
    }
    await sql(`DROP DATABASE IF EXISTS \`${database}\`; DROP USER IF EXISTS '${dbUser}'@'localhost';`).catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
  };

  try {
    const editor = await control<WordPressUser>('install', { title: options.title ?? 'Loupe test shop', username: 'shop-editor' });
    let log = '';
    php = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', root, path.join(PHP_DIR, 'router.php')], {
      env: { ...process.env, PHP_CLI_SERVER_WORKERS: String(options.workers ?? 4) },
      // Its own process group, so stop() can end the workers with it.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // php -S logs every request to stderr: keep only the tail, for a start-up failure's message.
    const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000));
    php.stdout!.on('data', keep);
    php.stderr!.on('data', keep);
    await waitForHttp(`${url}/wp-login.php`, php, () => log);

    const resolveFile = (file: string) => (path.isAbsolute(file) ? file : path.join(PRODUCT_PHOTOS_DIR, file));
    return {
      url,
      username: editor.username,
      applicationPassword: editor.applicationPassword,
      userId: editor.userId,
      root,
      database,
      createUser: (username, role) => control<WordPressUser>('user', { username, role }),
      seedMedia: async (items) =>
        (await control<{ ids: number[] }>('media', { items: items.map((item) => ({ ...item, file: resolveFile(item.file) })) })).ids,
      seedBulkMedia: async (count, bulk = {}) => {
        const files = fs
          .readdirSync(PRODUCT_PHOTOS_DIR)
          .filter((name) => name.endsWith('.jpg'))
          .sort()
          .map((name) => path.join(PRODUCT_PHOTOS_DIR, name));
        return (await control<{ ids: number[] }>('bulk-media', { count, files, ...bulk })).ids;
      },
      createPost: async (title, categories = []) => (await control<{ id: number }>('post', { title, categories })).id,
      editAlt: async (mediaId, alt) => void (await control('edit-alt', { id: mediaId, alt })),
      readAlt: async (mediaId) => (await control<{ alt: string }>('read-alt', { id: mediaId })).alt,
      deleteMedia: async (mediaId) => void (await control('delete-media', { id: mediaId })),
      revokePasswords: async (userId = editor.userId) => void (await control('revoke', { userId })),
      setPrettyPermalinks: async (pretty) => void (await control('permalinks', { pretty })),
      setTimezone: async (timezone) => void (await control('timezone', { timezone })),
      control,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
