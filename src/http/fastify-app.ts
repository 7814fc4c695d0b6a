import { HttpException } from '@nestjs/common';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { STATUS_CODES } from 'node:http';
import { HttpMetrics, UNMATCHED_ROUTE } from '../health/metrics/http.metrics';
import type { NestAppFactory } from './create-app';
import { BODY_LIMIT_BYTES, jsonBodyReader, unsupportedMediaType } from './json-body';

/**
 * Fastify's router options that make it route as Express does by default, so that a URL answers
 * the same on both adapters: `/sessions/` is `/sessions`, paths are matched without regard to case,
 * and a long path parameter reaches its pipe (a 400 naming it) instead of Fastify's 404 past 100
 * characters (the URL itself is bounded by the 16 KiB of headers Node accepts).
 */
const EXPRESS_LIKE_ROUTING = { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 16 * 1024 } as const;

/** The Nest application on @nestjs/platform-fastify (HTTP_ADAPTER=fastify). */
export async function createFastifyApp(
  create: NestAppFactory,
  logger: LoggerService | LogLevel[] | false,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, routerOptions: EXPRESS_LIKE_ROUTING });
  // abortOnError: false, as on Express: a module that fails to start rethrows to main.ts.
  const app = await create<NestFastifyApplication>(adapter, { bodyParser: false, logger, abortOnError: false });
  const fastify = app.getHttpAdapter().getInstance();

  const metrics = app.get(HttpMetrics);
  /**
   * Requests whose body was refused. Express refuses them in middleware, before routing, and counts
   * them as unmatched; Fastify routes first, and would name the route: they are unmatched here too.
   */
  const refusedBodies = new WeakSet<object>();
  // onResponse comes once per answered request, refused bodies and 404s included, as Express's 'finish'.
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = refusedBodies.has(request.raw) ? undefined : request.routeOptions.url;
    metrics.observe(request.method, route ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // A body that is not JSON is refused before anything else, whatever the method and the route,
  // as Express's middleware does: Fastify's parsers would skip it for GET, and answer an empty or
  // unknown Content-Type with words of their own.
  fastify.addHook('onRequest', (request, reply, done) => {
    const refused = unsupportedMediaType(request.raw);
    if (refused === undefined) return done();
    refusedBodies.add(request.raw);
    void reply.code(415).send({ statusCode: 415, message: refused, error: STATUS_CODES[415] });
  });
  // Every other body goes through the JSON reader Express uses, so that what is refused, and the
  // words of the refusal, are the same on both adapters. Fastify's own parsers (JSON, text) are
  // removed: the catch-all parser is also the one Fastify asks for a body without Content-Type.
  fastify.removeAllContentTypeParsers();
  const read = jsonBodyReader();
  fastify.addContentTypeParser('*', (request, _payload, done) => {
    const raw = request.raw as typeof request.raw & { body?: unknown };
    void read(raw).then((refusal) => {
      if (refusal === undefined) return done(null, raw.body);
      refusedBodies.add(raw);
      const { status, message } = refusal;
      done(new HttpException({ statusCode: status, message, error: STATUS_CODES[status] }, status), undefined);
    });
  });
  return app;
}
