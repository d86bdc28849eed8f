import { config } from '@/lib/config';

/** Secure when this request came over HTTPS (directly or via a proxy's x-forwarded-proto) or APP_URL is https. */
export function isSecureRequest(headers: Headers, url?: string): boolean {
  if (config().appUrl?.startsWith('https:')) return true;
  if (headers.get('x-forwarded-proto')?.split(',')[0].trim() === 'https') return true;
  return url?.startsWith('https:') ?? false;
}
