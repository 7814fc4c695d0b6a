import { randomFillSync } from 'node:crypto';

/**
 * Random tokens (base64url) cut from one pooled buffer of the same CSPRNG: every load takes a tag
 * snapshot with a candidate version per tag, and a `randomBytes` call apiece (1.3% of an instance's
 * CPU under bench scenario 15) cost more than the few bytes it answers.
 */
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

export function randomToken(bytes: number): string {
  if (bytes > POOL_BYTES) return randomFillSync(Buffer.allocUnsafe(bytes)).toString('base64url');
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + bytes);
  offset += bytes;
  return token;
}
