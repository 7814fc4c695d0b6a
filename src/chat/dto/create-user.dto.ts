import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Trim } from './trim';

export class CreateUserDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Ada' })
  @Trim()
  @IsString()
  @Length(1, 100)
  name!: string;
}
