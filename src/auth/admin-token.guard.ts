import { CanActivate, ExecutionContext, Inject, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config';
import { bearerToken } from './bearer-token';

/**
 * Opens a route to `Authorization: Bearer <ADMIN_TOKEN>` only. Without ADMIN_TOKEN the route
 * answers 404 as if it did not exist; a user's token never opens it.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly adminDigest: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.adminDigest = config.adminToken === undefined ? undefined : digest(config.adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest();
    if (this.adminDigest === undefined) throw new NotFoundException(`Cannot ${request.method} ${request.path}`);
    const token = bearerToken(request);
    // Comparing digests in constant time tells an attacker nothing about how much of a guess was right.
    if (token === undefined || !timingSafeEqual(digest(token), this.adminDigest)) {
      throw new UnauthorizedException('this route needs Authorization: Bearer <ADMIN_TOKEN>');
    }
    return true;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
