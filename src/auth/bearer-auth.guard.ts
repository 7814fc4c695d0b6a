import { CanActivate, ExecutionContext, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { AuthenticatedUser } from './authenticated-user';
import { bearerToken } from './bearer-token';
import { TokenService } from './token.service';
import { unknownUser } from './unknown-user';
import { USER_REGISTRY_UNAVAILABLE, UserRegistry } from './user-registry';

/** Lets a request through when it carries a valid token of an existing user; sets `request.user`. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  private readonly logger = new Logger(BearerAuthGuard.name);

  constructor(
    private readonly tokens: TokenService,
    private readonly users: UserRegistry,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest();
    const token = bearerToken(request);
    if (token === undefined) throw new UnauthorizedException('an Authorization: Bearer <token> header is required');
    const userId = await this.tokens.verify(token);
    if (userId === null) throw new UnauthorizedException('the bearer token is invalid');
    // A token of a user that no longer exists (deleted, or a reset database) opens nothing.
    const known = await this.users.isKnownUser(userId);
    if (known === false) throw unknownUser();
    // The database cannot say (it is down): a validly signed token passes. What it opens is its own
    // user's cached answers only (a cached copy of another user's data is keyed or checked by owner;
    // a deleted user's entries were dropped from every cache by `user.deleted`), and anything that
    // needs the database answers 503 on its own. Refusing here would turn every cached read into a
    // 503 for the outage; caching the registry's answer would let a token outlive its user.
    if (known === USER_REGISTRY_UNAVAILABLE) this.logger.debug(`let a valid token of ${userId} through: the user registry cannot answer`);
    request.user = { id: userId } satisfies AuthenticatedUser;
    return true;
  }
}
