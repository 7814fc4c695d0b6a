import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { AuthenticatedUser, BearerAuthGuard, CurrentUser } from '../auth';
import { HttpCache } from '../cache';
import { SearchQueryDto } from './dto/search.query';
import { HttpCacheTags } from './http-cache-tags';
import { SearchHit } from './chat.types';
import { SessionService } from './session.service';

@Controller('search')
@UseGuards(BearerAuthGuard)
export class SearchController {
  constructor(private readonly sessions: SessionService) {}

  /** The caller's messages containing every word of `q`, best match first. */
  @Get()
  @HttpCache({ tags: HttpCacheTags.search })
  async search(@CurrentUser() user: AuthenticatedUser, @Query() query: SearchQueryDto): Promise<{ items: SearchHit[] }> {
    const { q, sessionId, role, limit } = query;
    return { items: await this.sessions.search(user.id, { q, sessionId: sessionId?.toLowerCase(), role, limit }) };
  }
}
