import {
  BadRequestException,
  Controller,
  Get,
  Injectable,
  Module,
  NotFoundException,
  OnModuleInit,
  Param,
  Query,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CacheInterceptor, CacheModule } from '@nestjs/cache-manager';
import { AuthenticatedUser, AuthModule, BearerAuthGuard, CurrentUser, UserRegistry } from '../../../src/auth';
import { ChatRepository } from '../../../src/chat/chat.repository';
import { MessagePage } from '../../../src/chat/chat.types';
import { ListMessagesQuery } from '../../../src/chat/dto/list-messages.query';
import { ParseIdPipe } from '../../../src/chat/parse-id.pipe';
import { SessionService } from '../../../src/chat/session.service';
import { UserService } from '../../../src/chat/user.service';

/**
 * Bench-only routes, mounted in the real application next to the chat's own (server.ts adds this
 * module to AppModule), so that every route of scenario 7 goes through the same Express app,
 * middleware, global pipe and BearerAuthGuard: only the caching layer differs.
 *
 * ChatModule exports none of its providers, so they are looked up once the application exists.
 */
@Injectable()
export class Chat implements OnModuleInit {
  sessions!: SessionService;
  repository!: ChatRepository;
  users!: UserService;

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    this.sessions = this.moduleRef.get(SessionService, { strict: false });
    this.repository = this.moduleRef.get(ChatRepository, { strict: false });
    this.users = this.moduleRef.get(UserService, { strict: false });
  }
}

/** What BearerAuthGuard asks, answered by the chat's UserService as in ChatModule. */
@Injectable()
export class ChatUserRegistry extends UserRegistry {
  constructor(private readonly chat: Chat) {
    super();
  }

  isKnownUser(userId: string): ReturnType<UserRegistry['isKnownUser']> {
    return this.chat.users.isKnownUser(userId);
  }
}

/** How many times each bench handler ran: a cache that works keeps its handler's count at the misses. */
@Injectable()
export class HandlerCalls {
  cacheManager = 0;
  uncached = 0;
  database = 0;
  constant = 0;
}

/** The constant route's answer, set by server.ts to a copy of the benchmarked page (same bytes). */
@Injectable()
export class ConstantBody {
  value: unknown = { items: [], nextCursor: null };
}

const MESSAGES_ROUTE = 'sessions/:id/messages';

/** The chat's route under @nestjs/cache-manager's CacheInterceptor (its own default store, see BenchHttpModule). */
@Controller('bench/cache-manager')
@UseGuards(BearerAuthGuard)
@UseInterceptors(CacheInterceptor)
export class CacheManagerPeerController {
  constructor(
    private readonly chat: Chat,
    private readonly calls: HandlerCalls,
  ) {}

  @Get(MESSAGES_ROUTE)
  listMessages(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: ListMessagesQuery,
  ): Promise<MessagePage> {
    this.calls.cacheManager++;
    return this.chat.sessions.listMessages(user.id, id, query.limit, query.before?.toLowerCase());
  }
}

/** The chat's route without an HTTP cache: SessionService's @Cacheable loaders still answer from L1. */
@Controller('bench/uncached')
@UseGuards(BearerAuthGuard)
export class UncachedPeerController {
  constructor(
    private readonly chat: Chat,
    private readonly calls: HandlerCalls,
  ) {}

  @Get(MESSAGES_ROUTE)
  listMessages(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: ListMessagesQuery,
  ): Promise<MessagePage> {
    this.calls.uncached++;
    return this.chat.sessions.listMessages(user.id, id, query.limit, query.before?.toLowerCase());
  }
}

/** The chat's route with no cache at all: SQLite answers every request (same checks as SessionService). */
@Controller('bench/database')
@UseGuards(BearerAuthGuard)
export class DatabasePeerController {
  constructor(
    private readonly chat: Chat,
    private readonly calls: HandlerCalls,
  ) {}

  @Get(MESSAGES_ROUTE)
  async listMessages(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: ListMessagesQuery,
  ): Promise<MessagePage> {
    this.calls.database++;
    const session = await this.chat.repository.findSession(id);
    if (session === null || session.userId !== user.id) throw new NotFoundException(`session ${id} not found`);
    const page = await this.chat.repository.listMessages(id, query.limit, query.before?.toLowerCase());
    if (page === null) throw new BadRequestException(`before must be the id of a message of session ${id}`);
    return page;
  }
}

/** The framework's floor: the same guard, then a constant object of the page's size, serialized by Nest. */
@Controller('bench/constant')
@UseGuards(BearerAuthGuard)
export class ConstantController {
  constructor(
    private readonly body: ConstantBody,
    private readonly calls: HandlerCalls,
  ) {}

  @Get()
  constant(): unknown {
    this.calls.constant++;
    return this.body.value;
  }
}

/**
 * `CacheModule.register()` is imported here, not globally: its CACHE_MANAGER (cache-manager 7 over
 * a Keyv in-memory Map, @nestjs/cache-manager's default) is what CacheInterceptor gets in this
 * module, ahead of the global ChatCacheModule's compat CACHE_MANAGER (server.ts checks which).
 */
@Module({
  imports: [AuthModule, CacheModule.register()],
  controllers: [CacheManagerPeerController, UncachedPeerController, DatabasePeerController, ConstantController],
  providers: [Chat, HandlerCalls, ConstantBody, BearerAuthGuard, { provide: UserRegistry, useClass: ChatUserRegistry }],
})
export class BenchHttpModule {}
