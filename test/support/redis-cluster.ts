import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { eventually, freePort, RedisServer } from './redis-server';

const run = promisify(execFile);

/** A real three-master Redis Cluster on loopback (no replicas), started and stopped by one test file. */
export class RedisCluster {
  private constructor(readonly servers: RedisServer[]) {}

  static async start(masters = 3): Promise<RedisCluster> {
    const servers: RedisServer[] = [];
    for (let i = 0; i < masters; i++) {
      servers.push(
        await RedisServer.start({
          port: await clusterPort(),
          extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${i}.conf`, '--cluster-node-timeout', '2000'],
        }),
      );
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...servers.map((s) => `127.0.0.1:${s.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    const probe = new Redis(servers[0].port, '127.0.0.1');
    try {
      const ok = await eventually(async () => (await probe.cluster('INFO')).includes('cluster_state:ok'), 15_000, 100);
      if (!ok) throw new Error('the Redis Cluster did not reach cluster_state:ok');
    } finally {
      probe.disconnect();
    }
    return new RedisCluster(servers);
  }

  get nodes(): string[] {
    return this.servers.map((server) => `127.0.0.1:${server.port}`);
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.stop()));
  }
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port > 55_000) continue;
    const bus = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port + 10_000, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (bus) return port;
  }
}
