import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthenticatedUser } from './authenticated-user';
import { bearerToken } from './bearer-token';
import { TokenService } from './token.service';
import { unknownUser } from './unknown-user';
import { UserRegistry } from './user-registry';

/** Lets a request through when it carries a valid token of an existing user; sets `request.user`. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
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
    if (!(await this.users.isKnownUser(userId))) throw unknownUser();
    request.user = { id: userId } satisfies AuthenticatedUser;
    return true;
  }
}
