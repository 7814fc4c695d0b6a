import { UnauthorizedException } from '@nestjs/common';

/**
 * The answer to a valid token whose user no longer exists (deleted, or a database reset): a 401,
 * as for any token that opens nothing, never the 500 of a write that the database refuses.
 */
export function unknownUser(): UnauthorizedException {
  return new UnauthorizedException('the user of this bearer token no longer exists');
}
