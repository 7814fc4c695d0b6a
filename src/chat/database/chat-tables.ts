import type { Generated } from 'kysely';
import type { MessageRole } from '../chat.types';

/**
 * The tables as both engines hold them (kysely's typing of every query). Times are ISO-8601 text on
 * both, so that a value reads back byte for byte whichever engine stored it. `seq` orders rows; on
 * PostgreSQL it is a bigint, which `pg` answers as a string: it is only ever compared in SQL.
 */
export interface ChatTables {
  users: { id: string; name: string; created_at: string };
  sessions: {
    seq: Generated<number | string>;
    id: string;
    user_id: string;
    title: string;
    created_at: string;
    updated_at: string;
    message_count: Generated<number>;
    last_message_at: string | null;
    activity_at: string;
  };
  messages: {
    seq: Generated<number | string>;
    id: string;
    session_id: string;
    role: MessageRole;
    content: string;
    created_at: string;
  };
}
