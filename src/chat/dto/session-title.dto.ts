import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Trim } from './trim';

/** The body of POST /sessions and PATCH /sessions/:id. */
export class SessionTitleDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Trip planning', description: 'Trimmed; never blank' })
  @Trim()
  @IsString()
  @Length(1, 200)
  title!: string;
}
