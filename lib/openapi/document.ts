import { z } from 'zod';
import type { GuardedRoute } from '@/lib/auth';
import { ERROR_STATUS } from '@/lib/errors';

/**
 * The OpenAPI 3.1 document, generated from the zod schemas each route hands the guard (params, query, body)
 * and the role it declares: what the guard enforces is what the document says. Only the summaries are words.
 */

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface ApiOperation {
  /** OpenAPI form: `/api/assets/{id}`. */
  path: string;
  method: HttpMethod;
  summary: string;
  handler: GuardedRoute;
  /** For bodies the guard does not parse as JSON (a CSV file, an upload's bytes). */
  rawBody?: { contentType: string; description: string };
  /** Answers other than 200 with a JSON body (a redirect, 304), by status. */
  responses?: Record<string, { description: string }>;
}

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  // Input shape: what a client sends (defaults optional, before transforms).
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchemaOf(schema);
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: property }));
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
        message: { type: 'string', description: 'What was wrong and what to do, for people.' },
        details: { type: 'object' },
      },
    },
  },
};

function operationOf(operation: ApiOperation) {
  const { access, schemas } = operation.handler;
  const body = schemas.body
    ? { required: true, content: { 'application/json': { schema: jsonSchemaOf(schemas.body) } } }
    : operation.rawBody
      ? { required: true, description: operation.rawBody.description, content: { [operation.rawBody.contentType]: { schema: { type: 'string', format: 'binary' } } } }
      : undefined;
  return {
    summary: operation.summary,
    description: access === 'public' ? 'No sign-in needed.' : `Needs the ${access} role (or above): a session cookie from the app, or an API token as "Authorization: Bearer <token>".`,
    'x-loupe-role': access,
    security: access === 'public' ? [] : [{ bearer: [] }, { session: [] }],
    parameters: [...parametersOf(schemas.params, 'path'), ...parametersOf(schemas.query, 'query')],
    ...(body ? { requestBody: body } : {}),
    responses: {
      ...(operation.responses ?? { '200': { description: 'Success.' } }),
      default: { description: 'An error, in the one error shape.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  };
}

/** The API's version: bumped when an operation changes incompatibly. */
export const API_VERSION = '1.0.0';

export function openApiDocument(operations: readonly ApiOperation[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) (paths[operation.path] ??= {})[operation.method] = operationOf(operation);
  return {
    openapi: '3.1.0',
    info: { title: 'Loupe API', version: API_VERSION, description: 'Photos, their alt text and catalogue data. Errors are {"error": {"code", "message"}}.' },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token (Admin → API tokens).' },
        session: { type: 'apiKey', in: 'cookie', name: 'loupe_session', description: "The app's own session; writes must come from its origin." },
      },
      schemas: { Error: ERROR_SCHEMA },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
