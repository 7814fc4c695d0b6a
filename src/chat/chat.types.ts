/** What the API answers; times are ISO-8601 strings. */
export interface User {
  id: string;
  name: string;
}

export interface Session {
  id: string;
  userId: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  messageCount: number;
  lastMessageAt: string | null;
}

export const MESSAGE_ROLES = ['user', 'assistant', 'system'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

export interface Message {
  id: string;
  sessionId: string;
  role: MessageRole;
  content: string;
  createdAt: string;
}

export interface MessagePage {
  items: Message[];
  /** The id to pass as `before` for the next older page; null when none are older. */
  nextCursor: string | null;
}

export interface SearchHit {
  sessionId: string;
  messageId: string;
  role: MessageRole;
  snippet: string;
  createdAt: string;
}

export interface SearchQuery {
  q: string;
  sessionId?: string;
  role?: MessageRole;
  limit: number;
}
