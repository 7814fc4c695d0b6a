import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { AuthenticatedUser, BearerAuthGuard, CurrentUser } from '../auth';
import { HttpCache } from '../cache';
import { CreateMessageDto } from './dto/create-message.dto';
import { ListMessagesQuery } from './dto/list-messages.query';
import { ListSessionsQuery } from './dto/list-sessions.query';
import { SessionTitleDto } from './dto/session-title.dto';
import { HttpCacheTags } from './http-cache-tags';
import { Message, MessagePage, Session } from './chat.types';
import { ParseIdPipe } from './parse-id.pipe';
import { SessionService } from './session.service';

@Controller('sessions')
@UseGuards(BearerAuthGuard)
export class SessionsController {
  constructor(private readonly sessions: SessionService) {}

  @Post()
  create(@CurrentUser() user: AuthenticatedUser, @Body() body: SessionTitleDto): Promise<Session> {
    return this.sessions.createSession(user.id, body.title);
  }

  /** Newest activity first. */
  @Get()
  @HttpCache({ tags: HttpCacheTags.sessions })
  async list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListSessionsQuery): Promise<{ items: Session[] }> {
    return { items: await this.sessions.listSessions(user.id, query.limit) };
  }

  @Get(':id')
  @HttpCache({ tags: HttpCacheTags.session })
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseIdPipe) id: string): Promise<Session> {
    return this.sessions.getSession(user.id, id);
  }

  @Patch(':id')
  rename(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseIdPipe) id: string, @Body() body: SessionTitleDto): Promise<Session> {
    return this.sessions.renameSession(user.id, id, body.title);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.sessions.deleteSession(user.id, id);
  }

  @Post(':id/messages')
  addMessage(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: CreateMessageDto,
  ): Promise<Message> {
    return this.sessions.addMessage(user.id, id, body.role, body.content);
  }

  /** The newest `limit` messages before the cursor, oldest first. */
  @Get(':id/messages')
  @HttpCache({ tags: HttpCacheTags.messages })
  listMessages(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: ListMessagesQuery,
  ): Promise<MessagePage> {
    return this.sessions.listMessages(user.id, id, query.limit, query.before?.toLowerCase());
  }
}
