import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { MESSAGE_ROLES, MessageRole } from '../chat.types';
import { Limit } from './limit';
import { Trim } from './trim';

export class SearchQueryDto {
  @Trim()
  @IsString()
  @Length(1, 200)
  q!: string;

  @IsOptional()
  @IsUUID('all')
  sessionId?: string;

  @IsOptional()
  @IsIn(MESSAGE_ROLES)
  role?: MessageRole;

  @Limit(100)
  limit: number = 20;
}
