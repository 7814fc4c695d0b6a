import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { AuthenticatedUser, BearerAuthGuard, CurrentUser } from '../auth';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HttpCache } from '../cache';
import { ApiCachedOk, ApiErrors, ApiUserToken } from '../http/openapi/api-answers';
import { CreateMessageDto } from './dto/create-message.dto';
import { ListMessagesQuery } from './dto/list-messages.query';
import { ListSessionsQuery } from './dto/list-sessions.query';
import { SessionTitleDto } from './dto/session-title.dto';
import { MessagePageResponse, MessageResponse } from './dto/message.response';
import { SessionListResponse, SessionResponse } from './dto/session.response';
import { HttpCacheTags } from './http-cache-tags';
import { Message, MessagePage, Session } from './chat.types';
import { ParseIdPipe } from './parse-id.pipe';
import { SessionService } from './session.service';

@ApiTags('sessions')
@ApiUserToken()
@Controller('sessions')
@UseGuards(BearerAuthGuard)
export class SessionsController {
  constructor(private readonly sessions: SessionService) {}

  @ApiOperation({ summary: 'Start a session' })
  @ApiCreatedResponse({ type: SessionResponse })
  @ApiErrors(400, 413, 415)
  @Post()
  create(@CurrentUser() user: AuthenticatedUser, @Body() body: SessionTitleDto): Promise<Session> {
    return this.sessions.createSession(user.id, body.title);
  }

  /** Newest activity first. */
  @ApiOperation({ summary: "The caller's sessions, newest activity first" })
  @ApiCachedOk(SessionListResponse, 'The sessions')
  @ApiErrors(400)
  @Get()
  @HttpCache({ tags: HttpCacheTags.sessions })
  async list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListSessionsQuery): Promise<{ items: Session[] }> {
    return { items: await this.sessions.listSessions(user.id, query.limit) };
  }

  @ApiOperation({ summary: 'One session' })
  @ApiCachedOk(SessionResponse, 'The session')
  @ApiErrors(400, 404)
  @Get(':id')
  @HttpCache({ tags: HttpCacheTags.session })
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseIdPipe) id: string): Promise<Session> {
    return this.sessions.getSession(user.id, id);
  }

  @ApiOperation({ summary: 'Rename a session' })
  @ApiOkResponse({ type: SessionResponse })
  @ApiErrors(400, 404, 413, 415)
  @Patch(':id')
  rename(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseIdPipe) id: string, @Body() body: SessionTitleDto): Promise<Session> {
    return this.sessions.renameSession(user.id, id, body.title);
  }

  @ApiOperation({ summary: 'Delete a session and its messages' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.sessions.deleteSession(user.id, id);
  }

  @ApiOperation({ summary: 'Add a message to a session' })
  @ApiCreatedResponse({ type: MessageResponse })
  @ApiErrors(400, 404, 413, 415)
  @Post(':id/messages')
  addMessage(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: CreateMessageDto,
  ): Promise<Message> {
    return this.sessions.addMessage(user.id, id, body.role, body.content);
  }

  /** The newest `limit` messages before the cursor, oldest first. */
  @ApiOperation({ summary: 'A page of messages: the newest `limit` before the cursor, oldest first' })
  @ApiCachedOk(MessagePageResponse, 'The page')
  @ApiErrors(400, 404)
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
