import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { signingSecret } from '@/lib/auth';
import { config } from '@/lib/config';

/**
 * A store's credential at rest: AES-256-GCM under a key derived (HKDF-SHA-256) from CONNECTIONS_KEY, or else from
 * the signing secret (SESSION_SECRET, or the one generated on first start). The connection's id is the
 * additional data, so a ciphertext copied onto another row does not decrypt. Only the ciphertext, IV and tag
 * are stored (base64); the plain secret exists only in memory, on its way to the connector.
 */

export interface SealedSecret {
  ciphertext: string;
  iv: string;
  tag: string;
}

const KEY_INFO = 'loupe connections credential v1';

async function key(): Promise<Buffer> {
  const material = config().connections.key ?? (await signingSecret());
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), KEY_INFO, 32));
}

export async function sealSecret(connectionId: string, secret: string): Promise<SealedSecret> {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await key(), iv);
  cipher.setAAD(Buffer.from(connectionId));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return { ciphertext: ciphertext.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/** The plain secret, or null when it cannot be decrypted (the key changed): the admin replaces the credentials. */
export async function openSecret(connectionId: string, sealed: SealedSecret): Promise<string | null> {
  try {
    const decipher = createDecipheriv('aes-256-gcm', await key(), Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(connectionId));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
