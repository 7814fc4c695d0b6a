import { E2E_HTTP_ADAPTER } from './e2e-http-adapter';
import { RedisServer } from './redis-server';

/**
 * The cache modes the chat e2e specs run in: memory only, and hybrid on a real redis-server that
 * the spec starts and stops. `env()` is the environment for startChatApp. On Fastify (the
 * e2e-fastify project) hybrid alone: what the adapter changes is the HTTP layer, which hybrid
 * exercises whole, and the cache modes are compared on Express; this keeps the second run short.
 */
export interface ChatMode {
  name: 'memory' | 'hybrid';
  start(): Promise<void>;
  stop(): Promise<void>;
  env(): Record<string, string>;
}

export function chatModes(): ChatMode[] {
  let server: RedisServer | undefined;
  const modes: ChatMode[] = [
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
  return E2E_HTTP_ADAPTER === 'fastify' ? modes.filter((mode) => mode.name === 'hybrid') : modes;
}
