import { Logger } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';

/** What this file uses of a Fastify instance and its reply (no dependency on fastify itself). */
interface FastifyReplyLike {
  code(statusCode: number): unknown;
  removeHeader(name: string): unknown;
}
interface FastifyInstanceLike {
  addHook(
    name: 'onSend',
    hook: (request: unknown, reply: FastifyReplyLike, payload: unknown, done: (error: Error | null, payload?: unknown) => void) => void,
  ): unknown;
}

/** Replies the HTTP cache found the client's copy current for: they go out as 304 Not Modified. */
const notModifiedReplies = new WeakSet<object>();
const instancesWithHook = new WeakSet<object>();

/**
 * Answers 304 on Fastify. Express turns a 200 into a 304 itself when the request is fresh (the
 * interceptor sets `req.fresh`); Fastify has no such step, and Nest sets the reply's status to 200
 * right before it sends, after every interceptor. So the 304 is made in Fastify's onSend hook, the
 * last step before the bytes go: the status, no body, and no Content-Type (as Express sends it).
 * Installed once per Fastify instance, while the application starts (Fastify takes no hook once
 * it is ready); nothing on Express.
 */
export function installFastifyNotModified(adapterHost: HttpAdapterHost | undefined): void {
  const adapter = adapterHost?.httpAdapter;
  if (adapter === undefined || adapter === null || adapter.getType() !== 'fastify') return;
  const instance = adapter.getInstance<FastifyInstanceLike>();
  if (instancesWithHook.has(instance)) return;
  instancesWithHook.add(instance);
  try {
    instance.addHook('onSend', (_request, reply, payload, done) => {
      if (!notModifiedReplies.has(reply)) return done(null, payload);
      reply.code(304);
      reply.removeHeader('content-type');
      done(null, null);
    });
  } catch (error) {
    // An interceptor created after Fastify is ready: answering 200 instead of 304 costs bandwidth,
    // not correctness, and must not fail the request that created it.
    new Logger('ChatCache').warn(
      `http_cache.no_304 reason=${JSON.stringify((error as Error).message)} impact="If-None-Match answered 200 on Fastify"`,
    );
  }
}

/** Marks a Fastify reply to go out as 304 (see installFastifyNotModified). */
export function answerNotModifiedOnFastify(reply: object): void {
  notModifiedReplies.add(reply);
}
