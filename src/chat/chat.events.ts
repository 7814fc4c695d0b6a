/** Domain events of the chat, emitted after the database write (see ChatCacheInvalidationListener). */
export const ChatEvents = {
  SessionCreated: 'session.created',
  SessionUpdated: 'session.updated',
  SessionDeleted: 'session.deleted',
  MessageCreated: 'message.created',
  UserDeleted: 'user.deleted',
} as const;

export interface SessionEvent {
  userId: string;
  sessionId: string;
}

export interface MessageCreatedEvent extends SessionEvent {
  messageId: string;
}

export interface UserDeletedEvent {
  userId: string;
  /** The sessions deleted with the user, read in the deleting transaction. */
  sessionIds: string[];
}
