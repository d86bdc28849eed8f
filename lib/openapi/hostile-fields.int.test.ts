import { beforeAll, describe, expect, it } from 'vitest';
import { apiOperations } from '@/app/api/openapi.json/operations';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { openApiDocument, type ApiOperation } from './document';

/**
 * Issue 17, attack 2: every string field of every operation in the OpenAPI document refuses a NUL, and every
 * number field has bounds and refuses 2^53, with 422 naming that field, never a 500 from the database. The
 * cases come from the document itself, so a new route or field is covered without touching this file.
 */

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
};

type Where = 'path' | 'query' | 'body';

interface Field {
  where: Where;
  /** As the guard names it in a validation issue: `selection.filter.tag`, `tags.0`. */
  path: string;
  kind: 'string' | 'number';
  schema: JsonSchema;
  /** The request part holding `hostile` at this field and a plausible value in every required sibling. */
  build: (hostile: unknown, assetId: string) => unknown;
}

const NUL = 'red\u0000coat';
const TOO_BIG = 2 ** 53;

const typesOf = (schema: JsonSchema) => (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []);

/** A value the schema accepts, as far as a few candidates go: only the field under test is meant to be wrong. */
function sample(schema: JsonSchema, assetId: string): unknown {
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum[0];
  if ('default' in schema) return schema.default;
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return sample(options.find((option) => !typesOf(option).includes('null')) ?? options[0], assetId);
  const types = typesOf(schema);
  if (types.includes('object')) {
    return Object.fromEntries((schema.required ?? []).map((name) => [name, sample(schema.properties?.[name] ?? {}, assetId)]));
  }
  if (types.includes('array')) return (schema.minItems ?? 0) > 0 ? [sample(schema.items ?? {}, assetId)] : [];
  if (types.includes('string')) return sampleString(schema, assetId);
  if (types.includes('integer') || types.includes('number')) return schema.minimum ?? 1;
  if (types.includes('boolean')) return false;
  return undefined;
}

function sampleString(schema: JsonSchema, assetId: string): string {
  const byFormat: Record<string, string> = { uuid: assetId, email: 'someone@example.com', date: '2026-01-01', 'date-time': '2026-01-01T00:00:00Z', uri: 'https://example.com/' };
  if (schema.format && byFormat[schema.format]) return byFormat[schema.format];
  const candidates = ['coat', '1', '0'.repeat(64), 'alt-v1', 'jpeg'];
  const pattern = schema.pattern ? new RegExp(schema.pattern) : null;
  return candidates.find((candidate) => (!pattern || pattern.test(candidate)) && candidate.length >= (schema.minLength ?? 0)) ?? 'coat';
}

function fieldsOf(schema: JsonSchema, where: Where, path: string[] = []): Field[] {
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return options.flatMap((option) => fieldsOf(option, where, path));
  const types = typesOf(schema);
  const label = path.join('.');
  if (types.includes('object')) {
    return Object.entries(schema.properties ?? {}).flatMap(([name, property]) =>
      fieldsOf(property, where, [...path, name]).map((field) => ({
        ...field,
        build: (hostile: unknown, assetId: string) => ({ ...(sample(schema, assetId) as object), [name]: field.build(hostile, assetId) }),
      })),
    );
  }
  if (types.includes('array')) {
    return fieldsOf(schema.items ?? {}, where, [...path, '0']).map((field) => ({ ...field, build: (hostile: unknown, assetId: string) => [field.build(hostile, assetId)] }));
  }
  if (types.includes('string')) return [{ where, path: label, kind: 'string', schema, build: (hostile) => hostile }];
  if (types.includes('integer') || types.includes('number')) return [{ where, path: label, kind: 'number', schema, build: (hostile) => hostile }];
  return [];
}

type Parameter = { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema };
type DocumentedOperation = { parameters: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } };

interface Case {
  operation: ApiOperation;
  field: Field;
  /** Every parameter of its kind in one object schema, as the guard parses them. */
  siblings: { path: JsonSchema; query: JsonSchema };
}

function casesOf(): Case[] {
  const document = openApiDocument(apiOperations());
  return apiOperations().flatMap((operation) => {
    const documented = (document.paths[operation.path] as Record<string, DocumentedOperation>)[operation.method];
    const asObject = (where: 'path' | 'query'): JsonSchema => {
      const parameters = documented.parameters.filter((parameter) => parameter.in === where);
      return { type: 'object', properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])), required: parameters.filter((p) => p.required).map((p) => p.name) };
    };
    const siblings = { path: asObject('path'), query: asObject('query') };
    const body = documented.requestBody?.content['application/json']?.schema;
    const fields = [...fieldsOf(siblings.path, 'path'), ...fieldsOf(siblings.query, 'query'), ...(body ? fieldsOf(body, 'body') : [])];
    // A union lists a shared field once per branch: one case each.
    const unique = new Map(fields.map((field) => [`${field.where} ${field.path}`, field]));
    return [...unique.values()].map((field) => ({ operation, field, siblings }));
  });
}

/** Path parameters: the real asset where an id is asked for, so a value let through would reach a real row. */
function pathParams(values: Record<string, unknown>, assetId: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(values)) {
    if (Array.isArray(value)) params[name] = value.map(String);
    else if (name === 'id' && value !== NUL) params[name] = assetId;
    else params[name] = String(value);
  }
  return params;
}

function urlOf(operation: ApiOperation, params: Record<string, string | string[]>, query: Record<string, unknown>): string {
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => [params[name]].flat().map(encodeURIComponent).join('/'));
  const search = new URLSearchParams(Object.entries(query).map(([name, value]) => [name, String(value)]));
  return `${path}${search.size ? `?${search}` : ''}`;
}

async function send(item: Case, hostile: unknown, owner: TestAccount, assetId: string): Promise<Response> {
  const { operation, field, siblings } = item;
  const path = (field.where === 'path' ? field.build(hostile, assetId) : sample(siblings.path, assetId)) as Record<string, unknown>;
  const query = (field.where === 'query' ? field.build(hostile, assetId) : sample(siblings.query, assetId)) as Record<string, unknown>;
  const params = pathParams(path, assetId);
  const documented = openApiDocument([operation]).paths[operation.path] as Record<string, DocumentedOperation>;
  const bodySchema = documented[operation.method].requestBody?.content['application/json']?.schema;
  const body = field.where === 'body' ? field.build(hostile, assetId) : bodySchema ? sample(bodySchema, assetId) : undefined;
  return call(operation.handler, { method: operation.method.toUpperCase(), cookie: owner.cookie, path: urlOf(operation, params, query), params, body });
}

/** The guard's 422 names the field (or, for a union, the field holding it): `Invalid body: selection.ids.0: …`. */
async function expectRefusedAt(response: Response, field: Field): Promise<void> {
  expect(response.status).toBe(422);
  const { error } = (await response.json()) as { error: { code: string; message: string; details: { issues: Array<{ path: string }> } } };
  expect(error.code).toBe('validation_failed');
  expect(error.message.startsWith(`Invalid ${field.where}`), error.message).toBe(true);
  const named = error.details.issues.some((issue) => field.path === issue.path || field.path.startsWith(`${issue.path}.`));
  expect(named, JSON.stringify(error.details.issues)).toBe(true);
}

describe('hostile values in every field of the OpenAPI document', () => {
  const database = useTestDatabase();
  useTemporaryLocalStorage();
  const cases = casesOf();
  let owner: TestAccount;
  let assetId: string;

  beforeAll(async () => {
    owner = await makeAccount(database().db, 'owner');
    assetId = await insertCatalogueAsset(database().db, { filename: 'walked-coat.jpg' });
  });

  it('finds the fields the attack used', () => {
    const names = cases.map(({ operation, field }) => `${operation.method} ${operation.path} ${field.where} ${field.path}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'patch /api/assets/{id} body title',
        'patch /api/assets/{id} body sku',
        'patch /api/assets/{id} body collection',
        'patch /api/assets/{id} body version',
        'post /api/assets/bulk body collection',
        'get /api/alt/review query tag',
        'get /api/alt/review query promptVersion',
        'post /api/alt/review body filter.model',
        'get /api/cron/backfill query tag',
        'post /api/imports query column_sku',
      ]),
    );
  });

  for (const item of cases.filter(({ field }) => field.kind === 'string')) {
    it(`${item.operation.method.toUpperCase()} ${item.operation.path}: a NUL in ${item.field.where} ${item.field.path} is 422`, async () => {
      await expectRefusedAt(await send(item, NUL, owner, assetId), item.field);
    });
  }

  for (const item of cases.filter(({ field }) => field.kind === 'number')) {
    it(`${item.operation.method.toUpperCase()} ${item.operation.path}: ${item.field.where} ${item.field.path} is bounded; 2^53 and one over its maximum are 422`, async () => {
      expect(item.field.schema.minimum, 'a lower bound').toBeTypeOf('number');
      expect(item.field.schema.maximum, 'an upper bound').toBeLessThan(TOO_BIG);
      for (const value of [TOO_BIG, (item.field.schema.maximum ?? 0) + 1]) {
        await expectRefusedAt(await send(item, item.field.where === 'body' ? value : String(value), owner, assetId), item.field);
      }
    });
  }
});
