import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule, BearerAuthGuard, UserRegistry } from '../auth';
import { CachedSessions } from './cached-sessions';
import { ChatCacheInvalidationListener } from './chat-cache-invalidation.listener';
import { ChatRepository } from './chat.repository';
import { CHAT_DATABASE, ChatDatabaseCloser, chatDatabaseProvider } from './database/chat-database.provider';
import { DatabaseOutages } from './database/database-outages';
import { DatabaseUnavailableFilter } from './database-unavailable.filter';
import { SearchController } from './search.controller';
import { SessionService } from './session.service';
import { SessionsController } from './sessions.controller';
import { UserService } from './user.service';
import { UsersController } from './users.controller';

/** The chat backend: SQLite or PostgreSQL as the source of truth, every read through ChatCacheModule. */
@Module({
  imports: [AuthModule],
  controllers: [UsersController, SessionsController, SearchController],
  providers: [
    chatDatabaseProvider,
    ChatDatabaseCloser,
    ChatRepository,
    UserService,
    SessionService,
    CachedSessions,
    ChatCacheInvalidationListener,
    BearerAuthGuard,
    // BearerAuthGuard asks whether a token's user exists.
    { provide: UserRegistry, useExisting: UserService },
    { provide: DatabaseOutages, useFactory: () => new DatabaseOutages() },
    // Global: the database fails under guards and handlers alike; a 503, never a 500 (see the filter).
    { provide: APP_FILTER, useClass: DatabaseUnavailableFilter },
  ],
  // The database is exported for the health check, its outages for /metrics.
  exports: [ChatCacheInvalidationListener, CHAT_DATABASE, DatabaseOutages],
})
export class ChatModule {}
