import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The server's open connections and the requests in flight on them, for the shutdown's log lines. */
export class ConnectionTracker {
  private readonly sockets = new Set<Socket>();
  private requests = 0;
  private readonly responseEndListeners = new Set<() => void>();

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
      this.requests++;
      // 'close' comes once per response, whether it was sent in full or its connection was cut.
      response.once('close', () => {
        this.requests--;
        for (const listener of this.responseEndListeners) listener();
      });
    });
  }

  /** Connections open, idle keep-alive ones and those still sending a request included. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** Requests whose headers arrived and whose response is not finished. */
  get requestsInFlight(): number {
    return this.requests;
  }

  onResponseEnd(listener: () => void): void {
    this.responseEndListeners.add(listener);
  }
}
