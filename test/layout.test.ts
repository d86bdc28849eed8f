import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * lib code reaches the database one way (README "Reaching the database, one way"): lib functions take `db` (or a
 * transaction) as their first parameter, and only the doors open it with getDb(). A lib file that opened it
 * itself would decide for its caller which database and which transaction its work runs in.
 */

const ROOT = path.resolve('.');

/** The doors inside lib/, each with why it may open the database. */
const LIB_DOORS: Record<string, string> = {
  'lib/auth/guard.ts': 'the one guard resolves the caller of every route, page and server action',
  'lib/auth/sign-out-action.ts': "a server action ('use server'), a door like those in app/",
  'lib/server-boot.ts': "the server's start-up (instrumentation.ts's Node.js half): opens and migrates the database at boot",
  'lib/jobs/sweeper.ts': "the job runner's entry: opens the database once and hands it to every step",
  'lib/auth/signing.ts': 'the URL-signing secret, read once per process and cached, like the database handle',
};

function libFiles(): string[] {
  return (readdirSync(path.join(ROOT, 'lib'), { recursive: true, encoding: 'utf8' }) as string[])
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file))
    .map((file) => path.join('lib', file).split(path.sep).join('/'));
}

/** Whether source code (comments aside) opens the process's database: getDb() or dbHandle(), under any import name. */
function opensDatabase(source: string): boolean {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const aliases = [...code.matchAll(/\b(?:getDb|dbHandle)\s+as\s+(\w+)/g)].map((m) => m[1]);
  return [/\bgetDb\s*\(/, /\bdbHandle\s*\(/, ...aliases.map((alias) => new RegExp(`\\b${alias}\\s*\\(`))].some((call) => call.test(code));
}

describe('lib reaches the database one way', () => {
  it('recognises a call to getDb and not a mention of it', () => {
    expect(opensDatabase("import { getDb } from '@/db/client';\nconst db = await getDb();")).toBe(true);
    expect(opensDatabase('return (await dbHandle()).db;')).toBe(true);
    expect(opensDatabase("import { getDb as open } from '@/db/client';\nconst db = await open();")).toBe(true);
    expect(opensDatabase('// getDb() is called only at the doors\n/** not getDb() either */\nexport async function f(db: Db) {}')).toBe(false);
  });

  it('opens the database only at the doors: every other lib function takes db as its first parameter', () => {
    const offenders = libFiles().filter((file) => !(file in LIB_DOORS) && opensDatabase(readFileSync(path.join(ROOT, file), 'utf8')));
    expect(offenders, 'these lib files call getDb(): take `db: Db` as the first parameter instead and let the caller pass it').toEqual([]);
  });

  it('lists only doors that still open the database', () => {
    const stale = Object.keys(LIB_DOORS).filter((file) => !opensDatabase(readFileSync(path.join(ROOT, file), 'utf8')));
    expect(stale, 'these files no longer call getDb(): remove them from LIB_DOORS').toEqual([]);
  });
});

/**
 * A lib folder's index.ts is what other folders may use, and client.ts what client components may use (modules
 * with no server-only code); reaching into a folder's other files from outside couples callers to its internals.
 */
const ENTRY_POINT_EXCEPTIONS: Record<string, string> = {
  'proxy.ts': "the request proxy runs before every request: it takes two pure modules, not the guard's database",
  'test/layout.test.ts': 'holds examples of the imports it forbids',
  // The browser tests load in Playwright's own Node loader, outside Next, where `next/headers` (the guard's) does
  // not resolve: what they import must not reach lib/auth's index.
  'e2e/media.e2e.ts': "Playwright's loader: takes the video tools' module alone",
  'test/videos.ts': "loaded by the browser tests (Playwright's loader): the video tools' module alone",
  'test/s3rver.ts': "loaded by the browser tests (Playwright's loader): the S3 driver alone",
  'lib/storage/local.ts': "reached by the browser tests through test/s3rver.ts: URL signing alone, not lib/auth's guard",
};

function sourceFiles(): string[] {
  const tops = ['app', 'components', 'lib', 'tools', 'test', 'e2e', 'db'];
  const nested = tops.flatMap((top) =>
    (readdirSync(path.join(ROOT, top), { recursive: true, encoding: 'utf8' }) as string[])
      .filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'))
      .map((file) => path.join(top, file).split(path.sep).join('/')),
  );
  return [...nested, 'instrumentation.ts', 'proxy.ts'];
}

/** The deep imports in a file: `@/lib/<folder>/<module>` for a folder other than the file's own. */
function deepImports(file: string, source: string): string[] {
  const own = /^lib\/([^/]+)\//.exec(file)?.[1];
  return [...source.matchAll(/from\s+'@\/lib\/([a-z0-9-]+)\/([a-z0-9/.-]+)'/g)]
    .filter(([, folder, module]) => folder !== own && module !== 'index' && module !== 'client')
    .map(([specifier]) => specifier.replace(/^from\s+/, ''));
}

describe('folders are used through their entry points', () => {
  it('recognises a deep import into another folder and not one into its own', () => {
    expect(deepImports('app/page.tsx', "import { route } from '@/lib/auth/guard';")).toEqual(["'@/lib/auth/guard'"]);
    expect(deepImports('lib/auth/signin.ts', "import { route } from '@/lib/auth/guard';")).toEqual([]);
    expect(deepImports('app/page.tsx', "import { route } from '@/lib/auth';\nimport { EMPTY_FORM } from '@/lib/auth/client';")).toEqual([]);
  });

  it('imports another lib folder only through its index.ts (client components: client.ts)', () => {
    const offenders = sourceFiles()
      .filter((file) => !(file in ENTRY_POINT_EXCEPTIONS))
      .flatMap((file) => deepImports(file, readFileSync(path.join(ROOT, file), 'utf8')).map((specifier) => `${file}: ${specifier}`));
    expect(offenders, "import from '@/lib/<folder>' (export what you need from its index.ts) or, in a client component, '@/lib/<folder>/client'").toEqual([]);
  });
});
