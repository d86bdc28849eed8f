import { NextResponse } from 'next/server';
import type { SessionCookie } from './sessions';

/** A JSON response that also sets (or clears) the session cookie. */
export function jsonWithCookie(body: unknown, cookie: SessionCookie, init?: ResponseInit): NextResponse {
  const response = NextResponse.json(body, init);
  response.cookies.set(cookie.name, cookie.value, cookie.options);
  return response;
}
