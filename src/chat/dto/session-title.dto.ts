import { IsString, Length } from 'class-validator';
import { Trim } from './trim';

/** The body of POST /sessions and PATCH /sessions/:id. */
export class SessionTitleDto {
  @Trim()
  @IsString()
  @Length(1, 200)
  title!: string;
}
