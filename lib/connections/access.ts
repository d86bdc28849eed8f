import type { Connection } from '@/db/schema';
import type { ConnectorError, StoreAccess } from '@/lib/connectors';
import { fail, type Result } from '@/lib/auth';
import { config } from '@/lib/config';
import type { ErrorCode } from '@/lib/errors';
import { openSecret } from './secret';

/** What a connector needs to reach the connection's store; null when the stored credential cannot be decrypted. */
export async function storeAccess(connection: Connection, signal?: AbortSignal): Promise<StoreAccess | null> {
  const secret = await openSecret(connection.id, { ciphertext: connection.secretCiphertext, iv: connection.secretIv, tag: connection.secretTag });
  if (secret === null) return null;
  return { url: connection.url, username: connection.username, secret, settings: connection.settings, allowPrivate: config().connections.allowPrivate, signal };
}

export const UNREADABLE_SECRET = 'The stored credentials cannot be decrypted (CONNECTIONS_KEY or SESSION_SECRET changed): replace them on the connection.';

/** A connector's failure as the API's error: each reason its own code, so a client can tell what to fix. */
const API_CODES: Record<ConnectorError['code'], ErrorCode> = {
  unreachable: 'store_unreachable',
  private_address: 'private_address',
  not_platform: 'not_a_store',
  unauthorized: 'store_unauthorized',
  forbidden: 'store_forbidden',
  rate_limited: 'store_rate_limited',
  not_found: 'store_error',
  remote_error: 'store_error',
  rejected_file: 'store_error',
  text_too_long: 'validation_failed',
};

const ADVICE: Record<ConnectorError['code'], string> = {
  unreachable: 'Check the address and that the store is online.',
  private_address: 'Use the store’s public address (or set CONNECTIONS_ALLOW_PRIVATE=true on a server that must reach an intranet store).',
  // Each connector's own message names its platform's credentials and settings; the advice here fits every kind.
  not_platform: 'Check the address: it should be the store’s own address, with its API enabled.',
  unauthorized: 'Check the credentials.',
  forbidden: 'Use an account (or an app) that may edit media.',
  rate_limited: 'The store asked Loupe to slow down; try again in a minute.',
  not_found: 'Check the address.',
  remote_error: 'The store answered with an error; try again later.',
  rejected_file: 'Check the address.',
  text_too_long: 'Shorten the alt text to the store’s limit.',
};

export function connectorFailure(error: ConnectorError): Result<never> {
  return fail(API_CODES[error.code], `The store refused the connection: ${error.message} ${ADVICE[error.code]}`.trim(), error.retryAfterMs ? { headers: { 'retry-after': String(Math.ceil(error.retryAfterMs / 1000)) } } : {});
}
