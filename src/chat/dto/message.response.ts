import { ApiProperty } from '@nestjs/swagger';
import { Message, MESSAGE_ROLES, MessagePage, MessageRole } from '../chat.types';

/** Message as the API answers it (the OpenAPI schema of chat.types' Message). */
export class MessageResponse implements Message {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  sessionId!: string;

  @ApiProperty({ enum: MESSAGE_ROLES })
  role!: MessageRole;

  @ApiProperty({ minLength: 1, maxLength: 32_000 })
  content!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

/** GET /sessions/:id/messages: one page, oldest first. */
export class MessagePageResponse implements MessagePage {
  @ApiProperty({ type: [MessageResponse], description: 'The newest `limit` messages before the cursor, oldest first' })
  items!: MessageResponse[];

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Pass as `before` for the next older page; null when none are older',
  })
  nextCursor!: string | null;
}
