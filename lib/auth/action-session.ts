import { cookies, headers } from 'next/headers';
import { SESSION_COOKIE } from './caller';
import { isSecureRequest } from './secure-request';
import { clearedSessionCookie, sessionCookie, type NewSession } from './sessions';

/** Server actions set and clear the session cookie through next/headers, with the same attributes as the API. */
export async function setSessionCookie(session: NewSession): Promise<void> {
  const cookie = sessionCookie(session, isSecureRequest(await headers()));
  (await cookies()).set(cookie.name, cookie.value, cookie.options);
}

export async function clearSessionCookie(): Promise<string | undefined> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  const cookie = clearedSessionCookie(isSecureRequest(await headers()));
  jar.set(cookie.name, cookie.value, cookie.options);
  return token;
}
