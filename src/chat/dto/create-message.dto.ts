import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { MESSAGE_ROLES, MessageRole } from '../chat.types';

export class CreateMessageDto {
  @ApiProperty({ enum: MESSAGE_ROLES })
  @IsIn(MESSAGE_ROLES)
  role!: MessageRole;

  // Kept as written (leading spaces and newlines can matter in a chat), but never blank.
  @ApiProperty({ minLength: 1, maxLength: 32_000, description: 'Kept as written; never blank' })
  @IsString()
  @Length(1, 32_000)
  @Matches(/\S/, { message: 'content must not be blank' })
  content!: string;
}
