import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpAdapterName } from '../../src/config/app-config';
import { ChatApp, startChatApp } from '../support/chat-app';

/** What a client sees of an answer: status, the headers the API promises, and the body. */
interface Seen {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

const COMPARED_HEADERS = ['content-type', 'x-cache', 'cache-control', 'vary', 'etag'];

/**
 * A request as raw as a client can send it: its own headers and Content-Length only, on a
 * connection of its own (a refused request must not bear on the next).
 */
function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Seen> {
  const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: { ...headers, ...length }, agent: false },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode!,
            headers: Object.fromEntries(COMPARED_HEADERS.map((name) => [name, response.headers[name] as string | undefined])),
            body: text,
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Ids, tokens and times differ between the two apps: compare answers with them replaced by their kind. */
function normalized(seen: Seen, names: Map<string, string>): Seen {
  let body = seen.body;
  for (const [value, name] of names) body = body.split(value).join(name);
  body = body
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '<jwt>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>');
  const etag = seen.headers.etag === undefined ? undefined : '<etag>';
  return { ...seen, headers: { ...seen.headers, etag }, body };
}

/**
 * The same requests to the app on Express and on Fastify: every answer, refusals included, has the
 * same status, body and cache headers. Bodies and ids are the two apps' own (each has its user and
 * session), so they are compared with those replaced by names.
 */
describe('Express and Fastify answer the same', () => {
  const apps = new Map<HttpAdapterName, { chat: ChatApp; port: number; names: Map<string, string>; token: string; session: string }>();

  /** Every app started, closed after the spec even when setting up the other one failed (a listening server keeps Jest alive). */
  const started: ChatApp[] = [];

  beforeAll(async () => {
    for (const adapter of ['express', 'fastify'] as const) {
      const chat = await startChatApp({ HTTP_ADAPTER: adapter });
      started.push(chat);
      // Two different platforms, or this spec compares Express with itself.
      expect(chat.app.getHttpAdapter().getType()).toBe(adapter);
      const server = chat.app.getHttpServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      const json = { 'content-type': 'application/json' };
      const user = JSON.parse((await send(port, 'POST', '/users', json, '{"name":"Ada"}')).body);
      const auth = { authorization: `Bearer ${user.token}` };
      const session = JSON.parse((await send(port, 'POST', '/sessions', { ...json, ...auth }, '{"title":"plans"}')).body);
      await send(port, 'POST', `/sessions/${session.id}/messages`, { ...json, ...auth }, '{"role":"user","content":"hello world"}');
      const names = new Map([
        [user.token as string, '<token>'],
        [user.id as string, '<user>'],
        [session.id as string, '<session>'],
      ]);
      apps.set(adapter, { chat, port, names, token: user.token, session: session.id });
    }
    // Two apps booted and a user, a session and a message on each: more than Jest's 5 s on a busy machine.
  }, 60_000);

  afterAll(async () => {
    for (const chat of started) await chat.close();
  });

  type Case = [label: string, method: string, path: string, headers: Record<string, string>, body?: string];
  const JSON_TYPE = { 'content-type': 'application/json' };
  const AUTH = { authorization: 'Bearer <token>' };
  const cases: Case[] = [
    ['sign-up', 'POST', '/users', JSON_TYPE, '{"name":"Grace"}'],
    ['malformed JSON', 'POST', '/sessions', { ...JSON_TYPE, ...AUTH }, '{"title": "x"'],
    ['a bare JSON string', 'POST', '/sessions', { ...JSON_TYPE, ...AUTH }, '"title"'],
    ['a JSON array', 'POST', '/sessions', { ...JSON_TYPE, ...AUTH }, '[{"title":"x"}]'],
    ['a body over 64 KiB', 'POST', '/sessions', { ...JSON_TYPE, ...AUTH }, JSON.stringify({ title: 'x'.repeat(70_000) })],
    ['text/plain', 'POST', '/sessions', { 'content-type': 'text/plain', ...AUTH }, 'hello'],
    ['no Content-Type', 'POST', '/sessions', AUTH, '{"title":"x"}'],
    ['an empty Content-Type', 'POST', '/sessions', { 'content-type': '', ...AUTH }, '{"title":"x"}'],
    ['a non-JSON body on a GET', 'GET', '/health/live', { 'content-type': 'text/plain' }, 'hello'],
    ['an unknown charset', 'POST', '/sessions', { 'content-type': 'application/json; charset=koi9', ...AUTH }, '{"title":"x"}'],
    ['Content-Type in capitals', 'POST', '/sessions', { 'content-type': 'Application/JSON; charset=UTF-8', ...AUTH }, '{"title":"x"}'],
    ['a __proto__ field', 'POST', '/sessions', { ...JSON_TYPE, ...AUTH }, '{"title":"x","__proto__":{"admin":true}}'],
    ['nested too deep', 'POST', '/sessions', { ...JSON_TYPE, ...AUTH }, `{"title":${'['.repeat(40)}${']'.repeat(40)}}`],
    ['an unknown field', 'POST', '/sessions', { ...JSON_TYPE, ...AUTH }, '{"title":"x","admin":true}'],
    ['a repeated query parameter', 'GET', '/sessions?limit=1&limit=2', AUTH],
    ['a __proto__ query parameter', 'GET', '/sessions?__proto__=1', AUTH],
    ['an out-of-range limit', 'GET', '/sessions?limit=0', AUTH],
    ['an id that is not an id', 'GET', '/sessions/not-a-uuid', AUTH],
    ['an id of 300 characters', 'GET', `/sessions/${'a'.repeat(300)}`, AUTH],
    ['no token', 'GET', '/sessions', {}],
    ['an unknown route', 'GET', '/no/such/route', {}],
    ['a trailing slash', 'GET', '/health/live/', {}],
    ['a path in capitals', 'GET', '/HEALTH/LIVE', {}],
    ['a cached session: MISS', 'GET', '/sessions/<session>', AUTH],
    ['a cached session: HIT', 'GET', '/sessions/<session>', AUTH],
    ['HEAD of a cached route', 'HEAD', '/sessions/<session>', AUTH],
    ['a page of messages with a validated query', 'GET', '/sessions/<session>/messages?limit=020', AUTH],
    ['a reload (no-cache)', 'GET', '/sessions/<session>', { ...AUTH, 'cache-control': 'no-cache' }],
    ['no-store', 'GET', '/sessions/<session>', { ...AUTH, 'cache-control': 'no-store' }],
    ['a search', 'GET', '/search?q=hello', AUTH],
    ['a search with FTS syntax', 'GET', '/search?q=hello%20OR%20*', AUTH],
    ['a rename', 'PATCH', '/sessions/<session>', { ...JSON_TYPE, ...AUTH }, '{"title":"renamed"}'],
    ['the session after its rename', 'GET', '/sessions/<session>', AUTH],
    ['the admin routes without ADMIN_TOKEN', 'GET', '/cache/stats', {}],
    ['liveness', 'GET', '/health/live', {}],
  ];

  it.each(cases.map(([label, method, path, headers, body]) => ({ label, method, path, headers, body })))(
    '$label',
    async ({ method, path, headers, body }) => {
      const answers: Seen[] = [];
      for (const { port, names, token, session } of apps.values()) {
        const own = (text: string) => text.replace('<token>', token).replace('<session>', session);
        const ownHeaders = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, own(value)]));
        answers.push(normalized(await send(port, method, own(path), ownHeaders, body), names));
      }
      const [express, fastify] = answers;
      expect(express.status).toBeLessThan(500);
      expect(fastify).toEqual(express);
    },
  );

  it('answers 304 to a current If-None-Match, also under Cache-Control: no-cache, with the same headers', async () => {
    const answers: Seen[] = [];
    for (const { port, names, token, session } of apps.values()) {
      const auth = { authorization: `Bearer ${token}` };
      const { headers } = await send(port, 'GET', `/sessions/${session}/messages`, auth);
      const conditional = { ...auth, 'if-none-match': headers.etag!, 'cache-control': 'no-cache' };
      answers.push(normalized(await send(port, 'GET', `/sessions/${session}/messages`, conditional), names));
    }
    expect(answers[0]).toMatchObject({
      status: 304,
      body: '',
      headers: { 'content-type': undefined, etag: '<etag>', vary: 'Authorization' },
    });
    expect(answers[1]).toEqual(answers[0]);
  });
});
