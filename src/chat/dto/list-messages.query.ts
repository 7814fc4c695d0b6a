import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { Limit } from './limit';

export class ListMessagesQuery {
  @Limit(200, 50)
  limit: number = 50;

  /** The id of a message: the page holds the messages older than it. */
  @ApiPropertyOptional({ format: 'uuid', description: 'A message id (a nextCursor): the page holds the messages older than it' })
  @IsOptional()
  @IsUUID('all')
  before?: string;
}
