import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApiError } from '@/lib/errors';

/** Every method some route or page answers; Allow on a 405 names them. */
const KNOWN_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const ALLOW = KNOWN_METHODS.join(', ');

/** The one error shape for a method no route implements, or null for a method some route may answer. */
export function unknownMethodError(method: string | undefined): ApiError | null {
  if (method && KNOWN_METHODS.includes(method)) return null;
  return new ApiError('method_not_allowed', `${method ?? 'That method'} is not supported here; use one of ${ALLOW}.`, undefined, { Allow: ALLOW });
}

/**
 * Answers methods no route implements (TRACE, PROPFIND, PURGE …) with 405 before Next sees them. Next turns
 * every request into a fetch Request, which cannot even represent TRACE, so it fails on them with a 500
 * before any route, page or proxy runs; the HTTP server's request event is the one place early enough.
 * Installed once at start (instrumentation.ts), on every server of the process.
 */
export function refuseUnknownMethods(serverClass: { prototype: Server }): void {
  const prototype = serverClass.prototype as Server & { loupeRefusesUnknownMethods?: boolean };
  if (prototype.loupeRefusesUnknownMethods) return;
  const emit = prototype.emit;
  prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const [request, response] = args as [IncomingMessage, ServerResponse];
      const error = unknownMethodError(request.method);
      if (error) {
        response.writeHead(error.status, { 'content-type': 'application/json', ...error.headers });
        response.end(JSON.stringify({ error: { code: error.code, message: error.message } }));
        return true;
      }
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as Server['emit'];
  prototype.loupeRefusesUnknownMethods = true;
}
