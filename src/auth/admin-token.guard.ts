import { CanActivate, ExecutionContext, Inject, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config';
import { SecretToken } from './bearer-token';

/**
 * Opens a route to `Authorization: Bearer <ADMIN_TOKEN>` only. Without ADMIN_TOKEN the route
 * answers 404 as if it did not exist; a user's token never opens it.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly adminToken: SecretToken | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.adminToken = config.adminToken === undefined ? undefined : new SecretToken(config.adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context
      .switchToHttp()
      .getRequest<{ method: string; path?: string; url: string; headers: Record<string, string | string[] | undefined> }>();
    // The words of an unknown route. Express's request has its path; Fastify's, only the URL.
    if (this.adminToken === undefined) throw new NotFoundException(`Cannot ${request.method} ${request.path ?? request.url.split('?')[0]}`);
    if (!this.adminToken.matches(request)) throw new UnauthorizedException('this route needs Authorization: Bearer <ADMIN_TOKEN>');
    return true;
  }
}
