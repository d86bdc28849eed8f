import { route } from '@/lib/auth';
import { openApiDocument } from '@/lib/openapi';
import { apiOperations } from './operations';

export const dynamic = 'force-dynamic';

/** The OpenAPI 3.1 document of the whole API, generated from the routes' own zod schemas. */
export const GET = route({ role: 'viewer' }, async () => Response.json(openApiDocument(apiOperations())));
