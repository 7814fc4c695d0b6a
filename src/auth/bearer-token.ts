import { createHash, timingSafeEqual } from 'node:crypto';

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(request: { headers: Record<string, string | string[] | undefined> }): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** A secret token kept as its SHA-256 digest, so that a guess is compared in constant time. */
export class SecretToken {
  private readonly digest: Buffer;

  constructor(secret: string) {
    this.digest = sha256(secret);
  }

  /**
   * Whether the request's bearer token is this one. Digests of equal length compared in constant
   * time: a wrong guess says nothing of how much of it was right.
   */
  matches(request: { headers: Record<string, string | string[] | undefined> }): boolean {
    const token = bearerToken(request);
    return token !== undefined && timingSafeEqual(sha256(token), this.digest);
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
