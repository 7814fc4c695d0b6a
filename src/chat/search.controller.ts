import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { AuthenticatedUser, BearerAuthGuard, CurrentUser } from '../auth';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HttpCache } from '../cache';
import { ApiCachedOk, ApiErrors, ApiUserToken } from '../http/openapi/api-answers';
import { SearchQueryDto } from './dto/search.query';
import { SearchResultsResponse } from './dto/search-hit.response';
import { HttpCacheTags } from './http-cache-tags';
import { SearchHit } from './chat.types';
import { SessionService } from './session.service';

@ApiTags('search')
@ApiUserToken()
@Controller('search')
@UseGuards(BearerAuthGuard)
export class SearchController {
  constructor(private readonly sessions: SessionService) {}

  /** The caller's messages containing every word of `q`, best match first. */
  @ApiOperation({ summary: "Full-text search of the caller's messages, best match first" })
  @ApiCachedOk(SearchResultsResponse, 'The messages found')
  @ApiErrors(400)
  @Get()
  @HttpCache({ tags: HttpCacheTags.search })
  async search(@CurrentUser() user: AuthenticatedUser, @Query() query: SearchQueryDto): Promise<{ items: SearchHit[] }> {
    const { q, sessionId, role, limit } = query;
    return { items: await this.sessions.search(user.id, { q, sessionId: sessionId?.toLowerCase(), role, limit }) };
  }
}
