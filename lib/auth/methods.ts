import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApiError } from '@/lib/errors';
import { PEER_ADDRESS_HEADER } from './client-address';

/** Every method some route or page answers; Allow on a 405 names them. */
const KNOWN_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const ALLOW = KNOWN_METHODS.join(', ');

/** The one error shape for a method no route implements, or null for a method some route may answer. */
export function unknownMethodError(method: string | undefined): ApiError | null {
  if (method && KNOWN_METHODS.includes(method)) return null;
  return new ApiError('method_not_allowed', `${method ?? 'That method'} is not supported here; use one of ${ALLOW}.`, undefined, { Allow: ALLOW });
}

/**
 * Hooks every HTTP server of the process before Next sees a request. It records the TCP peer's address under
 * PEER_ADDRESS_HEADER (replacing any a client sent): the one client address nobody can forge. And it answers
 * methods no route implements (TRACE, PROPFIND, PURGE …) with 405: Next turns every request into a fetch
 * Request, which cannot even represent TRACE, so it fails on them with a 500 before any route, page or proxy
 * runs. Installed once at start (instrumentation.ts).
 */
export function guardServerRequests(serverClass: { prototype: Server }): void {
  const prototype = serverClass.prototype as Server & { loupeGuardsRequests?: boolean };
  if (prototype.loupeGuardsRequests) return;
  const emit = prototype.emit;
  prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const [request, response] = args as [IncomingMessage, ServerResponse];
      request.headers[PEER_ADDRESS_HEADER] = request.socket.remoteAddress ?? 'unknown';
      const error = unknownMethodError(request.method);
      if (error) {
        response.writeHead(error.status, { 'content-type': 'application/json', ...error.headers });
        response.end(JSON.stringify({ error: { code: error.code, message: error.message } }));
        return true;
      }
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as Server['emit'];
  prototype.loupeGuardsRequests = true;
}
