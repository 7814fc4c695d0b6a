import type { Server } from 'node:http';

/**
 * The HTTP server's own limits, chosen rather than Node's defaults (docs/operations.md, "Limits",
 * says why each value): with the defaults a client dripping its headers held a connection 90 s
 * and one dripping its body up to 330 s.
 */
export const SERVER_LIMITS = {
  /** Headers (at most 16 KiB) arrive in well under a second even on a poor mobile link. Node: 60 s. */
  headersTimeoutMs: 10_000,
  /** The whole request, body included (at most 64 KiB): 64 KiB at 20 kbit/s takes 26 s. Node: 300 s. */
  requestTimeoutMs: 30_000,
  /**
   * How often Node looks for requests past the two timeouts above; Node's 30 s made a 60 s limit
   * into 90 s. Read when the server starts listening, so it must be set before.
   */
  connectionsCheckingIntervalMs: 1_000,
  /**
   * An idle keep-alive connection is closed after this. Longer than the idle timeout of the load
   * balancers in front (60 s for AWS ALB and nginx's upstream keepalive_timeout), so that the
   * balancer closes first and never sends a request on a connection we are closing (a 502). Node: 5 s.
   */
  keepAliveTimeoutMs: 65_000,
  /**
   * Connections beyond this are refused at once (Node closes them): one client opening
   * connections without end exhausts memory and file descriptors before the timeouts reclaim them.
   * Far above what one instance serves (a load balancer keeps tens to hundreds open). Node: none.
   */
  maxConnections: 4_096,
} as const;

/** Applies SERVER_LIMITS; call it before the server listens. */
export function applyServerLimits(server: Server): void {
  server.headersTimeout = SERVER_LIMITS.headersTimeoutMs;
  server.requestTimeout = SERVER_LIMITS.requestTimeoutMs;
  // A createServer() option in Node's types, but read from the server when it starts listening.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = SERVER_LIMITS.connectionsCheckingIntervalMs;
  server.keepAliveTimeout = SERVER_LIMITS.keepAliveTimeoutMs;
  server.maxConnections = SERVER_LIMITS.maxConnections;
}
