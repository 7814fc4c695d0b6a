import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';
import { MAX_PATTERN_LENGTH } from '../cache';

// Keys under "__cc:" are chat-cache's own bookkeeping (tag versions, the bus), not an operator's to drop.
const NOT_INTERNAL = /^(?!__cc:)/;

/** The body of POST /cache/invalidate: any of keys, tags and a glob pattern, at least one. */
export class InvalidateCacheDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Length(1, 1024, { each: true })
  @Matches(NOT_INTERNAL, { each: true, message: 'keys may not start with "__cc:"' })
  keys?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Length(1, 1024, { each: true })
  tags?: string[];

  @IsOptional()
  @IsString()
  @Length(1, MAX_PATTERN_LENGTH) // what CacheService.invalidatePattern accepts
  pattern?: string;
}
