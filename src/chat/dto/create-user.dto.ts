import { IsString, Length } from 'class-validator';
import { Trim } from './trim';

export class CreateUserDto {
  @Trim()
  @IsString()
  @Length(1, 100)
  name!: string;
}
