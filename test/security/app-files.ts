import { readdirSync } from 'node:fs';
import path from 'node:path';

/** Files under app/ named `name` (route.ts, page.tsx), as paths relative to the repository, sorted. */
export function appFiles(name: string): string[] {
  const appDir = path.resolve('app');
  return (readdirSync(appDir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((file) => path.basename(file) === name)
    .map((file) => path.join('app', file).split(path.sep).join('/'))
    .sort();
}

/** The URL path a route file serves, with each dynamic segment filled in: a random uuid, or `o/x` for catch-alls. */
export function urlFor(file: string): { path: string; params: Record<string, string | string[]> } {
  const params: Record<string, string | string[]> = {};
  const segments = path
    .dirname(file)
    .split('/')
    .slice(1)
    .filter((segment) => !/^\(.*\)$/.test(segment))
    .map((segment) => {
      const catchAll = segment.match(/^\[\.\.\.(\w+)\]$/);
      if (catchAll) {
        params[catchAll[1]] = ['o', 'x'];
        return 'o/x';
      }
      const dynamic = segment.match(/^\[(\w+)\]$/);
      if (dynamic) {
        const id = crypto.randomUUID();
        params[dynamic[1]] = id;
        return id;
      }
      return segment;
    });
  return { path: `/${segments.join('/')}`, params };
}
