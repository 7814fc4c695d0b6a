import {
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  Module,
  NotFoundException,
  Param,
  Query,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { CacheInterceptor, CacheModule } from '@nestjs/cache-manager';
import { AuthenticatedUser, AuthModule, BearerAuthGuard, CurrentUser, UserRegistry } from '../../../src/auth';
import { MessagePage, SearchHit, Session } from '../../../src/chat/chat.types';
import { ListMessagesQuery } from '../../../src/chat/dto/list-messages.query';
import { ListSessionsQuery } from '../../../src/chat/dto/list-sessions.query';
import { SearchQueryDto } from '../../../src/chat/dto/search.query';
import { ParseIdPipe } from '../../../src/chat/parse-id.pipe';
import { Chat, ChatUserRegistry } from '../http/bench-http.module';

/**
 * How long @nestjs/cache-manager keeps an answer. It has no invalidation: a write shows only once
 * the answers cached before it expire, so its reads may be this stale (the scenario counts them).
 */
export const CACHE_MANAGER_TTL_MS = 5_000;

/** Where each user's URLs live: CacheInterceptor keys by URL alone, so each user gets their own. */
export const PER_USER_PREFIX = 'bench/cache-manager/users/:userId';

/**
 * The per-user URL space is the user's own: a user asking under another's id gets a 404 before
 * CacheInterceptor could answer them the other's cached page. Guards run before interceptors.
 */
@Injectable()
export class OwnUrlSpaceGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ user?: AuthenticatedUser; params: Record<string, string> }>();
    if (request.user === undefined || request.params.userId !== request.user.id) throw new NotFoundException();
    return true;
  }
}

/** Handler runs of the peer's routes: each one is a miss of its CacheInterceptor. */
@Injectable()
export class PeerHandlerRuns {
  count = 0;
}

/**
 * The chat's four read routes under @nestjs/cache-manager's CacheInterceptor, as a NestJS user
 * would put it on them, with the same guard, pipes and SessionService calls as SessionsController
 * and SearchController; writes go to the chat's own routes.
 */
@Controller(PER_USER_PREFIX)
@UseGuards(BearerAuthGuard, OwnUrlSpaceGuard)
@UseInterceptors(CacheInterceptor)
export class PerUserCacheManagerController {
  constructor(
    private readonly chat: Chat,
    private readonly runs: PeerHandlerRuns,
  ) {}

  @Get('sessions')
  async list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListSessionsQuery): Promise<{ items: Session[] }> {
    this.runs.count++;
    return { items: await this.chat.sessions.listSessions(user.id, query.limit) };
  }

  @Get('sessions/:id')
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseIdPipe) id: string): Promise<Session> {
    this.runs.count++;
    return this.chat.sessions.getSession(user.id, id);
  }

  @Get('sessions/:id/messages')
  listMessages(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: ListMessagesQuery,
  ): Promise<MessagePage> {
    this.runs.count++;
    return this.chat.sessions.listMessages(user.id, id, query.limit, query.before?.toLowerCase());
  }

  @Get('search')
  async search(@CurrentUser() user: AuthenticatedUser, @Query() query: SearchQueryDto): Promise<{ items: SearchHit[] }> {
    this.runs.count++;
    const { q, sessionId, role, limit } = query;
    return { items: await this.chat.sessions.search(user.id, { q, sessionId: sessionId?.toLowerCase(), role, limit }) };
  }
}

/** `CacheModule.register()` here, not globally: the peer gets its own store (a Keyv Map in each instance). */
@Module({
  imports: [AuthModule, CacheModule.register({ ttl: CACHE_MANAGER_TTL_MS })],
  controllers: [PerUserCacheManagerController],
  providers: [Chat, PeerHandlerRuns, OwnUrlSpaceGuard, BearerAuthGuard, { provide: UserRegistry, useClass: ChatUserRegistry }],
})
export class PerUserCacheManagerModule {}
