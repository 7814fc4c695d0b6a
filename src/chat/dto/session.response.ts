import { ApiProperty } from '@nestjs/swagger';
import type { Session } from '../chat.types';

/** Session as the API answers it (the OpenAPI schema of chat.types' Session). */
export class SessionResponse implements Session {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid', description: 'The owner' })
  userId!: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  title!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', description: 'Creation, rename or message, whichever came last' })
  updatedAt!: string;

  @ApiProperty({ minimum: 0 })
  messageCount!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null until the first message' })
  lastMessageAt!: string | null;
}

/** GET /sessions. */
export class SessionListResponse {
  @ApiProperty({ type: [SessionResponse], description: 'Newest activity first' })
  items!: SessionResponse[];
}
