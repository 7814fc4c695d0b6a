import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { MESSAGE_ROLES, MessageRole } from '../chat.types';
import { Limit } from './limit';
import { Trim } from './trim';

export class SearchQueryDto {
  @ApiProperty({ minLength: 1, maxLength: 200, description: 'Words to find, all of them (plain words: search syntax is refused)' })
  @Trim()
  @IsString()
  @Length(1, 200)
  q!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only in this session' })
  @IsOptional()
  @IsUUID('all')
  sessionId?: string;

  @ApiPropertyOptional({ enum: MESSAGE_ROLES, description: 'Only messages of this role' })
  @IsOptional()
  @IsIn(MESSAGE_ROLES)
  role?: MessageRole;

  @Limit(100, 20)
  limit: number = 20;
}
