import { beforeAll, describe, expect, it } from 'vitest';
import { GET as openapiRoute } from '@/app/api/openapi.json/route';
import type { GuardedRoute } from '@/lib/auth';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { appFiles } from '@/test/security/app-files';
import { HTTP_METHODS, type OpenApiDocument } from './document';

type Operation = { summary: string; 'x-loupe-role': string; parameters: Array<{ name: string; in: string; required: boolean }>; requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } };

/** `app/api/assets/[id]/route.ts` serves `/api/assets/{id}`; a catch-all `[...key]` is `{key}`. */
const apiPathOf = (file: string) =>
  `/${file
    .replace(/^app\//, '')
    .replace(/\/route\.ts$/, '')
    .replace(/\[(?:\.\.\.)?(\w+)\]/g, '{$1}')}`;

describe('GET /api/openapi.json', () => {
  const database = useTestDatabase();
  let viewer: TestAccount;
  let document: OpenApiDocument;
  const operation = (path: string, method: string) => (document.paths[path] as Record<string, Operation> | undefined)?.[method];

  beforeAll(async () => {
    viewer = await makeAccount(database().db, 'viewer');
    const response = await call(openapiRoute, { cookie: viewer.cookie, path: '/api/openapi.json' });
    expect(response.status).toBe(200);
    document = (await response.json()) as OpenApiDocument;
  });

  it('is OpenAPI 3.1 with the one error shape and both ways to authenticate', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.components.securitySchemes)).toEqual(['bearer', 'session']);
    expect(document.components.schemas.Error.properties.error.properties.code.enum).toContain('version_conflict');
  });

  it('has every method of every route file under app/api, with the role its guard enforces', async () => {
    const missing: string[] = [];
    for (const file of appFiles('route.ts').filter((name) => name.startsWith('app/api/'))) {
      const module = (await import(/* @vite-ignore */ `@/${file}`)) as Record<string, GuardedRoute | undefined>;
      for (const method of HTTP_METHODS) {
        const handler = module[method.toUpperCase()];
        if (!handler) continue;
        const documented = operation(apiPathOf(file), method);
        if (!documented) missing.push(`${method.toUpperCase()} ${apiPathOf(file)} (${file})`);
        else expect(documented['x-loupe-role'], `${method} ${file}`).toBe(handler.access);
      }
    }
    expect(missing).toEqual([]);
  });

  it("is generated from the routes' zod schemas: parameters, query and bodies", () => {
    const patch = operation('/api/assets/{id}', 'patch');
    expect(patch?.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(Object.keys(patch?.requestBody?.content['application/json'].schema.properties ?? {})).toEqual(expect.arrayContaining(['altText', 'tags', 'title', 'sku', 'collection', 'version']));
    const exported = operation('/api/exports', 'get');
    expect(exported?.parameters.map((parameter) => [parameter.name, parameter.in, parameter.required])).toEqual([
      ['q', 'query', false],
      ['tag', 'query', false],
      ['collection', 'query', false],
      ['product', 'query', false],
      ['status', 'query', false],
      ['state', 'query', false],
      ['store', 'query', false],
      ['flag', 'query', false],
      ['source', 'query', false],
      ['type', 'query', false],
      ['from', 'query', false],
      ['to', 'query', false],
      ['model', 'query', false],
      ['promptVersion', 'query', false],
      ['format', 'query', false],
      ['locale', 'query', false],
    ]);
    expect(Object.keys(operation('/api/imports', 'post')?.requestBody?.content ?? {})).toEqual(['text/csv']);
  });

  it('needs a signed-in caller', async () => {
    expect((await call(openapiRoute, { path: '/api/openapi.json' })).status).toBe(401);
  });
});
