import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Secrets live in lib/config.ts (environment) and the database (db/, the signing secret). Neither may be in
 * the import graph of a client component, or the bundler would ship them to browsers. Server-action modules
 * ('use server') are the boundary: the client gets references to them, never their code.
 */

const ROOT = path.resolve('.');
const SERVER_ONLY = ['lib/config.ts', 'db/client.ts', 'lib/auth/signing.ts'];

function sourceFiles(dir: string): string[] {
  return (readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' }) as string[])
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file))
    .map((file) => path.join(dir, file).split(path.sep).join('/'));
}

function resolveImport(from: string, specifier: string): string | null {
  const base = specifier.startsWith('@/') ? specifier.slice(2) : specifier.startsWith('.') ? path.join(path.dirname(from), specifier) : null;
  if (base === null) return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) {
    if (/\.tsx?$/.test(candidate) && existsSync(path.join(ROOT, candidate))) return candidate.split(path.sep).join('/');
  }
  return null;
}

/** Value imports (not `import type`) of a module, resolved to repository files. */
function valueImports(file: string): string[] {
  const source = readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = [...source.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)].map((m) => m[1] ?? m[2]);
  return specifiers.map((specifier) => resolveImport(file, specifier)).filter((resolved): resolved is string => resolved !== null);
}

const firstLine = (file: string) => readFileSync(path.join(ROOT, file), 'utf8').trimStart().split('\n')[0];
const isClient = (file: string) => /^['"]use client['"]/.test(firstLine(file));
const isServerActions = (file: string) => /^['"]use server['"]/.test(firstLine(file));

/** The server-only module a file reaches, with the path to it, or null. */
function reachesServerOnly(start: string): string[] | null {
  const seen = new Set<string>();
  const queue: string[][] = [[start]];
  while (queue.length) {
    const trail = queue.shift() as string[];
    const file = trail[trail.length - 1];
    if (seen.has(file)) continue;
    seen.add(file);
    if (SERVER_ONLY.includes(file)) return trail;
    if (file !== start && isServerActions(file)) continue;
    for (const next of valueImports(file)) queue.push([...trail, next]);
  }
  return null;
}

describe('the browser bundle', () => {
  const clientFiles = [...sourceFiles('app'), ...sourceFiles('components')].filter(isClient);

  it('has client components to check', () => {
    expect(clientFiles.length).toBeGreaterThan(5);
    expect(clientFiles).toContain('components/auth/sign-out-button.tsx');
  });

  it('never imports configuration or the database from a client component', () => {
    const leaks = clientFiles.map(reachesServerOnly).filter((trail): trail is string[] => trail !== null).map((trail) => trail.join(' → '));
    expect(leaks).toEqual([]);
  });

  it('would notice a leak: a server module does reach the configuration', () => {
    expect(reachesServerOnly('lib/auth/secure-request.ts')).toEqual(['lib/auth/secure-request.ts', 'lib/config.ts']);
  });
});
