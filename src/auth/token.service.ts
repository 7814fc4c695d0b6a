import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

interface TokenPayload {
  sub: string;
}

/** Bearer tokens: a signed JWT whose subject is the user id. */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  issue(userId: string): Promise<string> {
    return this.jwt.signAsync({ sub: userId } satisfies TokenPayload);
  }

  /** The user id of a valid token, or null for anything else (bad signature, malformed, expired). */
  async verify(token: string): Promise<string | null> {
    try {
      const payload = await this.jwt.verifyAsync<TokenPayload>(token);
      return typeof payload.sub === 'string' ? payload.sub : null;
    } catch {
      return null;
    }
  }
}
