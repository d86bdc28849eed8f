import type { Metadata } from 'next';
import { apiOperations } from '@/app/api/openapi.json/operations';
import { requirePage } from '@/lib/auth';
import { openApiDocument } from '@/lib/openapi';

export const metadata: Metadata = { title: 'API reference' };

type Schema = { type?: string | string[]; enum?: unknown[]; description?: string; properties?: Record<string, Schema>; required?: string[]; items?: Schema; anyOf?: Schema[] };
type Operation = {
  summary: string;
  description: string;
  parameters: Array<{ name: string; in: string; required: boolean; schema: Schema }>;
  requestBody?: { description?: string; content: Record<string, { schema: Schema }> };
};

function typeOf(schema: Schema | undefined): string {
  if (!schema) return 'any';
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' | ');
  if (schema.type === 'array') return `${typeOf(schema.items)}[]`;
  return Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
}

function Fields({ rows }: { rows: Array<{ name: string; where: string; required: boolean; type: string }> }) {
  return (
    <ul className="flex flex-col gap-0.5 text-xs">
      {rows.map((row) => (
        <li key={`${row.where}-${row.name}`} className="break-words">
          <code className="font-semibold">{row.name}</code> <span className="text-neutral-500">({row.where}{row.required ? ', required' : ''})</span>: <code>{row.type}</code>
        </li>
      ))}
    </ul>
  );
}

/** The OpenAPI document, readable: each operation with its role, parameters and body fields. */
export default async function ApiReferencePage() {
  await requirePage('viewer');
  const document = openApiDocument(apiOperations());
  return (
    <main className="mx-auto flex w-full max-w-4xl flex-col gap-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API reference</h1>
        <p className="text-sm text-neutral-600">
          Generated from the routes&apos; own schemas; the machine-readable OpenAPI 3.1 document is at{' '}
          <a href="/api/openapi.json" className="underline underline-offset-2">
            /api/openapi.json
          </a>
          . Send an API token as <code>Authorization: Bearer &lt;token&gt;</code>. Errors are <code>{'{"error": {"code", "message"}}'}</code>.
        </p>
      </div>
      {Object.entries(document.paths).map(([path, methods]) =>
        Object.entries(methods as Record<string, Operation>).map(([method, operation]) => {
          const body = operation.requestBody ? Object.entries(operation.requestBody.content)[0] : undefined;
          const bodyRows = body?.[1].schema.properties
            ? Object.entries(body[1].schema.properties).map(([name, schema]) => ({ name, where: 'body', required: (body[1].schema.required ?? []).includes(name), type: typeOf(schema) }))
            : [];
          return (
            <section key={`${method} ${path}`} aria-label={`${method.toUpperCase()} ${path}`} className="flex flex-col gap-2 rounded-xl border border-neutral-200 bg-white p-4 shadow-sm">
              <h2 className="flex flex-wrap items-baseline gap-2 font-mono text-sm">
                <span className="rounded bg-neutral-900 px-1.5 py-0.5 text-xs font-semibold text-white">{method.toUpperCase()}</span>
                <span className="break-all">{path}</span>
              </h2>
              <p className="text-sm">{operation.summary}</p>
              <p className="text-xs text-neutral-600">{operation.description}</p>
              <Fields rows={[...operation.parameters.map((parameter) => ({ name: parameter.name, where: parameter.in, required: parameter.required, type: typeOf(parameter.schema) })), ...bodyRows]} />
              {body && !body[1].schema.properties && (
                <p className="text-xs text-neutral-600">
                  Body: <code>{body[0]}</code>
                  {operation.requestBody?.description ? `: ${operation.requestBody.description}` : ''}
                </p>
              )}
            </section>
          );
        }),
      )}
    </main>
  );
}
