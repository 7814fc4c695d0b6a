import { Body, Controller, Delete, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AuthenticatedUser, BearerAuthGuard, CurrentUser, TokenService, unknownUser } from '../auth';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HttpCache } from '../cache';
import { ApiCachedOk, ApiErrors, ApiUserToken } from '../http/openapi/api-answers';
import { CreateUserDto } from './dto/create-user.dto';
import { CreatedUserResponse, UserResponse } from './dto/user.response';
import { HttpCacheTags } from './http-cache-tags';
import { User } from './chat.types';
import { UserService } from './user.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UserService,
    private readonly tokens: TokenService,
  ) {}

  /** Open to anyone: it is how a client gets its token. */
  @ApiOperation({ summary: 'Sign up: a user and its bearer token (no token needed)' })
  @ApiCreatedResponse({ type: CreatedUserResponse })
  @ApiErrors(400, 413, 415)
  @Post()
  async create(@Body() body: CreateUserDto): Promise<User & { token: string }> {
    const user = await this.users.createUser(body.name);
    return { ...user, token: await this.tokens.issue(user.id) };
  }

  @ApiOperation({ summary: 'The caller' })
  @ApiUserToken()
  @ApiCachedOk(UserResponse, 'The caller')
  @Get('me')
  @UseGuards(BearerAuthGuard)
  @HttpCache({ tags: HttpCacheTags.me })
  async me(@CurrentUser() user: AuthenticatedUser): Promise<User> {
    // Null only when the user was deleted since the guard looked.
    const found = await this.users.findUser(user.id);
    if (found === null) throw unknownUser();
    return found;
  }

  /** The user, their sessions and messages; afterwards the token answers 401 on every instance. */
  @ApiOperation({ summary: 'Delete the caller, their sessions and messages; the token then answers 401 everywhere' })
  @ApiUserToken()
  @ApiNoContentResponse({ description: 'Deleted' })
  @Delete('me')
  @HttpCode(204)
  @UseGuards(BearerAuthGuard)
  remove(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.users.deleteUser(user.id);
  }
}
