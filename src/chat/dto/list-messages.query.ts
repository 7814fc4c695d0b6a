import { IsOptional, IsUUID } from 'class-validator';
import { Limit } from './limit';

export class ListMessagesQuery {
  @Limit(200)
  limit: number = 50;

  /** The id of a message: the page holds the messages older than it. */
  @IsOptional()
  @IsUUID('all')
  before?: string;
}
