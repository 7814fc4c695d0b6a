/**
 * The cache HIT path of each interceptor alone, in this process, without HTTP: what each costs on
 * top of the request pipeline they share (Express, Nest's router, the guard, the socket write).
 *
 * - ours: HttpCacheInterceptor.intercept on a warm key, as on `GET /sessions/:id/messages`
 *   (SessionsController's metadata: tags, per-user partition), answering the stored JSON text;
 * - @nestjs/cache-manager: CacheInterceptor.intercept over cache-manager 7's default store, then
 *   JSON.stringify of the object it answers, which Nest's `res.json` does on every hit;
 * - constant: JSON.stringify of the page alone, what the constant route costs beyond the pipeline.
 */
import { ExecutionContext, Logger, LoggerService } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { CacheInterceptor } from '@nestjs/cache-manager';
import { Test } from '@nestjs/testing';
import { createCache } from 'cache-manager';
import { lastValueFrom, Observable, of } from 'rxjs';
import { ChatCacheModule, HttpCacheInterceptor } from '../../../src/cache';
import { SessionsController } from '../../../src/chat/sessions.controller';
import type { Contender } from '../../harness/measure';

const OPS_PER_BATCH = 5_000;

export interface HitPath {
  contenders: Contender[];
  close(): Promise<void>;
}

/** Forwards warnings and errors only: ChatCacheModule's boot line would garble the progress bar. */
const quietLogger: LoggerService = {
  log: () => undefined,
  warn: (message: unknown) => console.warn(message),
  error: (message: unknown) => console.error(message),
};

export async function hitPathContenders(page: object, names: { ours: string; cacheManager: string; constant: string }): Promise<HitPath> {
  const moduleRef = await Test.createTestingModule({ imports: [ChatCacheModule.forRoot({ driver: 'memory' })] })
    .setLogger(quietLogger)
    .compile();
  await moduleRef.init();
  const ours = moduleRef.get(HttpCacheInterceptor);

  const sessionId = '0f8e2b1c-5d3a-4c7e-9b61-2a4d8c0e1f37';
  const userId = '7c1d9e4a-2b6f-4a8d-8e53-1f0b6c9d2a45';
  const path = `/sessions/${sessionId}/messages`;
  const request = {
    method: 'GET',
    url: path,
    originalUrl: path,
    path,
    route: { path: '/sessions/:id/messages' },
    params: { id: sessionId },
    query: {},
    headers: { authorization: 'Bearer token', host: '127.0.0.1' },
    user: { id: userId },
  };
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), value),
    getHeader: (name: string) => headers.get(name.toLowerCase()),
  };
  const context = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
    getHandler: () => SessionsController.prototype.listMessages,
    getClass: () => SessionsController,
    getArgByIndex: (index: number) => [request, response][index],
    getArgs: () => [request, response],
  } as unknown as ExecutionContext;
  const next = { handle: (): Observable<unknown> => of(page) };

  const peer = new CacheInterceptor(createCache(), new Reflector());
  // What Nest injects as a property (HttpAdapterHost), reduced to what CacheInterceptor calls.
  (peer as unknown as { httpAdapterHost: HttpAdapterHost }).httpAdapterHost = {
    httpAdapter: {
      getRequestMethod: (r: typeof request) => r.method,
      getRequestUrl: (r: typeof request) => r.originalUrl,
      setHeader: (r: typeof response, name: string, value: string) => r.setHeader(name, value),
    },
  } as unknown as HttpAdapterHost;

  const oursOnce = async () => (await lastValueFrom(await ours.intercept(context, next))) as string;
  const peerOnce = async () => JSON.stringify(await lastValueFrom(await peer.intercept(context, next)));
  // Warm both caches, and check that both now hit and answer the same bytes.
  const expected = JSON.stringify(page);
  for (const [name, once] of [
    ['ours', oursOnce],
    ['@nestjs/cache-manager', peerOnce],
  ] as const) {
    await once();
    const body = await once();
    if (headers.get('x-cache') !== 'HIT' || body !== expected) throw new Error(`the ${name} HIT path does not hit or answers other bytes`);
  }

  let sink = 0;
  const batch = (once: () => Promise<string> | string) => async () => {
    for (let i = 0; i < OPS_PER_BATCH; i++) sink += (await once()).length;
    return OPS_PER_BATCH;
  };
  return {
    contenders: [
      { name: names.ours, ours: true, batch: batch(oursOnce) },
      { name: names.cacheManager, batch: batch(peerOnce) },
      { name: names.constant, batch: batch(async () => JSON.stringify(page)) },
    ],
    close: async () => {
      if (sink < 0) Logger.log(sink);
      await moduleRef.close();
    },
  };
}
