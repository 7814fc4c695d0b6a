import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';
import { MAX_PATTERN_LENGTH } from '../cache';

// Keys under "__cc:" are chat-cache's own bookkeeping (tag versions, the bus), not an operator's to drop.
const NOT_INTERNAL = /^(?!__cc:)/;

/** The body of POST /cache/invalidate: any of keys, tags and a glob pattern, at least one. */
export class InvalidateCacheDto {
  @ApiPropertyOptional({ type: [String], maxItems: 1000, description: 'Keys to delete, relative to the prefix (not under __cc:)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Length(1, 1024, { each: true })
  @Matches(NOT_INTERNAL, { each: true, message: 'keys may not start with "__cc:"' })
  keys?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 1000, description: 'Tags whose entries are invalidated' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Length(1, 1024, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ maxLength: MAX_PATTERN_LENGTH, description: 'A glob (* and ?) over keys inside the prefix' })
  @IsOptional()
  @IsString()
  @Length(1, MAX_PATTERN_LENGTH) // what CacheService.invalidatePattern accepts
  pattern?: string;
}

class InvalidatedCounts {
  @ApiProperty({ description: 'Keys deleted' })
  keys!: number;

  @ApiProperty({ description: 'Tags invalidated (their entries are not counted: invalidating a tag costs O(1))' })
  tags!: number;

  @ApiProperty({ description: 'Keys the pattern matched' })
  pattern!: number;
}

/** The answer of POST /cache/invalidate. */
export class InvalidatedResponse {
  @ApiProperty({ type: InvalidatedCounts })
  invalidated!: InvalidatedCounts;
}
