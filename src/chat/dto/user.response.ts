import { ApiProperty } from '@nestjs/swagger';
import type { User } from '../chat.types';

export class UserResponse implements User {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ minLength: 1, maxLength: 100 })
  name!: string;
}

/** POST /users: the user and its bearer token. */
export class CreatedUserResponse extends UserResponse {
  @ApiProperty({ description: 'Send as Authorization: Bearer <token> on every other route' })
  token!: string;
}
