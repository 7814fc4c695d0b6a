/** Domain events of the chat, emitted after the database write (see ChatCacheInvalidationListener). */
export const ChatEvents = {
  SessionCreated: 'session.created',
  SessionUpdated: 'session.updated',
  SessionDeleted: 'session.deleted',
  MessageCreated: 'message.created',
} as const;

export interface SessionEvent {
  userId: string;
  sessionId: string;
}

export interface MessageCreatedEvent extends SessionEvent {
  messageId: string;
}
