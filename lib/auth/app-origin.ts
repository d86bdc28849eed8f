import { config } from '@/lib/config';

/** The origin links are built on (invite URLs): APP_URL when set, otherwise the origin the request came to. */
export function appOrigin(requestUrl: string): string {
  return config().appUrl ? new URL(config().appUrl as string).origin : new URL(requestUrl).origin;
}
