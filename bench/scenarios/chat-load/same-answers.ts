import { PAGE_LIMIT, SEARCH_WORDS } from './chat-mix';
import type { ChatUser } from './chat-users';
import type { KeepAliveClient } from './keep-alive-client';

/** A variant's read routes for one user: its client and the prefix of its URLs. */
export interface ReadTarget {
  name: string;
  client: KeepAliveClient;
  prefix: (user: ChatUser) => string;
}

/**
 * Before the load: every variant answers the same bytes to the same reads of the same users (the
 * files are copies), on each instance, so that the variants differ only in how fast they answer.
 * Throws on the first difference. Answers how many reads it compared.
 */
export async function checkSameAnswers(targets: readonly ReadTarget[], users: readonly ChatUser[]): Promise<number> {
  let compared = 0;
  for (const user of users) {
    const session = user.sessions[0];
    const reads = [
      '/sessions',
      `/sessions/${session.id}`,
      `/sessions/${session.id}/messages?limit=${PAGE_LIMIT}`,
      `/search?q=${SEARCH_WORDS[0]}`,
    ];
    for (const read of reads) {
      let reference: { name: string; body: string } | undefined;
      for (const target of targets) {
        for (let instance = 0; instance < target.client.instances; instance++) {
          const answer = await target.client.request(instance, 'GET', target.prefix(user) + read, user.token);
          const where = `${target.name}, instance ${instance + 1}: GET ${read}`;
          if (answer.status !== 200) throw new Error(`${where} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
          reference ??= { name: where, body: answer.body };
          if (answer.body !== reference.body) throw new Error(`${where} answers other bytes than ${reference.name}`);
          compared++;
        }
      }
    }
  }
  return compared;
}
