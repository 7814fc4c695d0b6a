import { Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';

/**
 * Emits a chat event after its database write and waits for its listeners, so that the
 * invalidation is done before the write answers (read-your-writes). A listener's failure is logged
 * and swallowed: the database holds the write, which must not turn into an error.
 */
export async function publishChatEvent<T>(events: EventEmitter2, logger: Logger, event: string, payload: T): Promise<void> {
  try {
    await events.emitAsync(event, payload);
  } catch (error) {
    logger.error(`a listener of ${event} failed: ${(error as Error).message}`);
  }
}
