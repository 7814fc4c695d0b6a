import { ApiProperty } from '@nestjs/swagger';
import { MESSAGE_ROLES, MessageRole, SearchHit } from '../chat.types';

/** One message found by GET /search. */
export class SearchHitResponse implements SearchHit {
  @ApiProperty({ format: 'uuid' })
  sessionId!: string;

  @ApiProperty({ format: 'uuid' })
  messageId!: string;

  @ApiProperty({ enum: MESSAGE_ROLES })
  role!: MessageRole;

  @ApiProperty({ description: 'The matching part of the content, the words found marked' })
  snippet!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

/** GET /search: the caller's messages only, best match first. */
export class SearchResultsResponse {
  @ApiProperty({ type: [SearchHitResponse] })
  items!: SearchHitResponse[];
}
