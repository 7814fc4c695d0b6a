import { Body, Controller, Delete, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AuthenticatedUser, BearerAuthGuard, CurrentUser, TokenService, unknownUser } from '../auth';
import { HttpCache } from '../cache';
import { CreateUserDto } from './dto/create-user.dto';
import { HttpCacheTags } from './http-cache-tags';
import { User } from './chat.types';
import { UserService } from './user.service';

@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UserService,
    private readonly tokens: TokenService,
  ) {}

  /** Open to anyone: it is how a client gets its token. */
  @Post()
  async create(@Body() body: CreateUserDto): Promise<User & { token: string }> {
    const user = await this.users.createUser(body.name);
    return { ...user, token: await this.tokens.issue(user.id) };
  }

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
  @Delete('me')
  @HttpCode(204)
  @UseGuards(BearerAuthGuard)
  remove(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.users.deleteUser(user.id);
  }
}
