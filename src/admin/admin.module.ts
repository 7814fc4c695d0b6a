import { Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { ChatModule } from '../chat/chat.module';
import { CacheAdminController } from './cache-admin.controller';

@Module({
  imports: [AuthModule, ChatModule],
  controllers: [CacheAdminController],
})
export class AdminModule {}
