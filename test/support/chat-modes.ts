import { RedisServer } from './redis-server';

/**
 * The cache modes the chat e2e specs run in: memory only, and hybrid on a real redis-server that
 * the spec starts and stops. `env()` is the environment for startChatApp.
 */
export interface ChatMode {
  name: 'memory' | 'hybrid';
  start(): Promise<void>;
  stop(): Promise<void>;
  env(): Record<string, string>;
}

export function chatModes(): ChatMode[] {
  let server: RedisServer | undefined;
  return [
    { name: 'memory', start: async () => {}, stop: async () => {}, env: () => ({}) },
    {
      name: 'hybrid',
      start: async () => {
        server = await RedisServer.start();
      },
      stop: async () => {
        await server?.stop();
      },
      env: () => ({ REDIS_URL: server!.url }),
    },
  ];
}
