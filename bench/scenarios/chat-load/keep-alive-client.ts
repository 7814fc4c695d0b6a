import http from 'node:http';

export interface ClientResponse {
  status: number;
  body: string;
  xCache: string | undefined;
  /** From the request's start to its last byte, in microseconds. */
  latencyUs: number;
}

/**
 * A small HTTP/1.1 client over keep-alive connections to each instance, at most `socketsPerInstance`
 * of them open to each: the load bounds its requests in flight itself (chat-load-leg.ts), and this
 * bounds the sockets, so that no request waits on a connection being opened.
 */
export class KeepAliveClient {
  private readonly agents: http.Agent[];
  private readonly targets: { hostname: string; port: number }[];

  constructor(bases: readonly string[], socketsPerInstance: number) {
    this.targets = bases.map((base) => {
      const url = new URL(base);
      return { hostname: url.hostname, port: Number(url.port) };
    });
    this.agents = bases.map(() => new http.Agent({ keepAlive: true, maxSockets: socketsPerInstance, maxFreeSockets: socketsPerInstance }));
  }

  get instances(): number {
    return this.targets.length;
  }

  /** `token` '' sends no Authorization header. */
  request(instance: number, method: string, path: string, token: string, body?: unknown): Promise<ClientResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = token === '' ? {} : { authorization: `Bearer ${token}` };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      const request = http.request({ ...this.targets[instance], agent: this.agents[instance], method, path, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const xCache = response.headers['x-cache'];
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            xCache: typeof xCache === 'string' ? xCache : undefined,
            latencyUs: Number(process.hrtime.bigint() - started) / 1000,
          });
        });
      });
      request.on('error', reject);
      request.end(payload);
    });
  }

  close(): void {
    for (const agent of this.agents) agent.destroy();
  }
}
