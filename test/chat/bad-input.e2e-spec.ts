import request from 'supertest';
import { bearer, ChatApp, startChatApp } from '../support/chat-app';
import { chatModes } from '../support/chat-modes';

/**
 * Every bad input the README lists answers a 4xx in Nest's error shape whose message names the
 * problem: never a 5xx, and nothing is written.
 */
describe.each(chatModes())('bad input ($name cache, $database)', (mode) => {
  let chat: ChatApp;
  let token: string;
  let sessionId: string;

  beforeAll(async () => {
    await mode.start();
    chat = await startChatApp(mode.env());
    ({ token } = await chat.signUp('Ada'));
    sessionId = (await request(chat.http).post('/sessions').set(bearer(token)).send({ title: 'ok' }).expect(201)).body.id;
  });

  afterAll(async () => {
    await chat.close();
    await mode.stop();
  });

  type Case = [label: string, method: 'get' | 'post' | 'patch' | 'delete', path: string, body: unknown, status: number, names: RegExp];

  /** `:session` in a path stands for the session that beforeAll creates. */
  const cases: Case[] = [
    ['malformed JSON', 'post', '/sessions', '{"title": "x"', 400, /not valid JSON/],
    ['a body over 64 KiB', 'post', '/sessions/:session/messages', { role: 'user', content: 'x'.repeat(70_000) }, 413, /64 KiB/],
    ['a JSON array as body', 'post', '/sessions', [{ title: 'x' }], 400, /must be a JSON object/],
    ['a JSON string as body', 'post', '/sessions', '"title"', 400, /not valid JSON|must be a JSON object/],
    ['an unknown field', 'post', '/sessions', { title: 'x', admin: true }, 400, /property admin should not exist/],
    ['a missing field', 'post', '/sessions', {}, 400, /title/],
    ['a title of the wrong type', 'post', '/sessions', { title: 42 }, 400, /title must be a string/],
    ['an empty title', 'post', '/sessions', { title: '' }, 400, /title must be longer than or equal to 1/],
    ['a blank title', 'patch', '/sessions/:session', { title: '   ' }, 400, /title/],
    ['a title over 200 chars', 'post', '/sessions', { title: 'x'.repeat(201) }, 400, /title must be shorter than or equal to 200/],
    ['a name over 100 chars', 'post', '/users', { name: 'x'.repeat(101) }, 400, /name must be shorter than or equal to 100/],
    ['no name', 'post', '/users', {}, 400, /name/],
    ['an unknown role', 'post', '/sessions/:session/messages', { role: 'root', content: 'x' }, 400, /role must be one of/],
    ['empty content', 'post', '/sessions/:session/messages', { role: 'user', content: '' }, 400, /content/],
    ['blank content', 'post', '/sessions/:session/messages', { role: 'user', content: ' \n ' }, 400, /content must not be blank/],
    [
      'content over 32000',
      'post',
      '/sessions/:session/messages',
      { role: 'user', content: 'x'.repeat(32_001) },
      400,
      /content must be shorter/,
    ],
    ['an id that is not an id', 'get', '/sessions/not-a-uuid', undefined, 400, /id must be a UUID/],
    ['an id with SQL in it', 'delete', `/sessions/${encodeURIComponent("1' OR '1'='1")}`, undefined, 400, /id must be a UUID/],
    ['messages of a non-id', 'get', '/sessions/123/messages', undefined, 400, /id must be a UUID/],
    ['limit 0 of sessions', 'get', '/sessions?limit=0', undefined, 400, /limit must not be less than 1/],
    ['limit 101 of sessions', 'get', '/sessions?limit=101', undefined, 400, /limit must not be greater than 100/],
    ['limit not a number', 'get', '/sessions?limit=ten', undefined, 400, /limit must be an integer/],
    ['limit 2.5', 'get', '/sessions?limit=2.5', undefined, 400, /limit must be an integer/],
    ['limit twice', 'get', '/sessions?limit=1&limit=2', undefined, 400, /^query parameter limit is repeated/],
    ['a search q twice', 'get', '/search?q=a&q=b', undefined, 400, /^query parameter q is repeated/],
    ['a __proto__ field', 'post', '/sessions', '{"title": "x", "__proto__": {"admin": true}}', 400, /property __proto__ should not exist/],
    [
      'a constructor field',
      'post',
      '/sessions',
      '{"title": "x", "constructor": {"prototype": {}}}',
      400,
      /property constructor should not exist/,
    ],
    ['a prototype field', 'post', '/sessions', '{"title": "x", "prototype": {}}', 400, /property prototype should not exist/],
    ['a __proto__ query parameter', 'get', '/sessions?__proto__=1', undefined, 400, /property __proto__ should not exist/],
    ['a constructor query parameter', 'get', '/search?q=x&constructor=1', undefined, 400, /property constructor should not exist/],
    [
      'a prototype query parameter',
      'get',
      '/sessions/:session/messages?prototype=1',
      undefined,
      400,
      /property prototype should not exist/,
    ],
    [
      'a body nested 20,000 levels deep',
      'post',
      '/sessions',
      `{"title": "x", "a": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
      400,
      /nested deeper than 32 levels/,
    ],
    [
      'a __proto__ field of a user',
      'post',
      '/users',
      '{"name": "x", "__proto__": {"isAdmin": true}}',
      400,
      /property __proto__ should not exist/,
    ],
    ['limit 201 of messages', 'get', `/sessions/:session/messages?limit=201`, undefined, 400, /limit must not be greater than 200/],
    ['a cursor that is not an id', 'get', `/sessions/:session/messages?before=abc`, undefined, 400, /before must be a UUID/],
    ['an unknown query parameter', 'get', '/sessions?offset=3', undefined, 400, /property offset should not exist/],
    ['search without q', 'get', '/search', undefined, 400, /q must be/],
    ['an empty q', 'get', '/search?q=', undefined, 400, /q must be longer than or equal to 1/],
    ['a q over 200 chars', 'get', `/search?q=${'x'.repeat(201)}`, undefined, 400, /q must be shorter than or equal to 200/],
    ['a search role that is no role', 'get', '/search?q=x&role=admin', undefined, 400, /role must be one of/],
    ['a search session that is not an id', 'get', '/search?q=x&sessionId=abc', undefined, 400, /sessionId must be a UUID/],
    ['search limit 101', 'get', '/search?q=x&limit=101', undefined, 400, /limit must not be greater than 100/],
  ];

  it.each(cases)('%s is a 4xx naming the problem', async (_label, method, pathTemplate, body, status, names) => {
    const path = pathTemplate.replace(':session', sessionId);
    let call = request(chat.http)[method](path).set(bearer(token));
    if (typeof body === 'string') call = call.set('Content-Type', 'application/json').send(body);
    else if (body !== undefined) call = call.send(body as object);
    const response = await call;
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toMatchObject({ statusCode: status, error: expect.any(String) });
    const message = ([] as string[]).concat(response.body.message).join('; ');
    expect(message).toMatch(names);
  });

  it('a repeated query parameter gets one message, not one per check it fails', async () => {
    const response = await request(chat.http).get('/sessions?limit=1&limit=2').set(bearer(token)).expect(400);
    expect(response.body).toEqual({
      statusCode: 400,
      message: 'query parameter limit is repeated: give it once',
      error: 'Bad Request',
    });
  });

  type BodyCase = [label: string, contentType: string | undefined, body: string];
  const bodyCases: BodyCase[] = [
    ['JSON sent as text/plain', 'text/plain', '{"title": "x"}'],
    ['a form', 'application/x-www-form-urlencoded', 'title=x'],
    ['JSON sent as application/xml', 'application/xml; charset=utf-8', '{"title": "x"}'],
    ['a body without Content-Type', undefined, '{"title": "x"}'],
  ];

  it.each(bodyCases)('%s is a 415 naming application/json', async (_label, contentType, body) => {
    const call = request(chat.http).post('/sessions').set(bearer(token));
    // supertest sets no Content-Type for a Buffer body; the header is set, or left out, here.
    const response = await (contentType === undefined ? call : call.set('Content-Type', contentType)).send(Buffer.from(body));
    expect(response.status).toBe(415);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toEqual({
      statusCode: 415,
      message: expect.stringContaining('application/json'),
      error: 'Unsupported Media Type',
    });
    expect(response.body.message).toContain(contentType === undefined ? 'no Content-Type' : contentType.split(';')[0]);
  });

  it('a JSON content type with parameters, or no body at all, is not a 415', async () => {
    const withCharset = await request(chat.http)
      .post('/sessions')
      .set(bearer(token))
      .set('Content-Type', 'application/json; charset=utf-8')
      .send('{"title": ""}');
    expect(withCharset.status).toBe(400);
    const noBody = await request(chat.http).post('/sessions').set(bearer(token)).set('Content-Type', 'text/plain');
    expect(noBody.status).toBe(400);
    expect(noBody.body.message).toMatch(/must be a JSON object/);
    // DELETE and GET carry no body: nothing to refuse.
    await request(chat.http).get('/sessions').set(bearer(token)).set('Content-Type', 'text/plain').expect(200);
  });

  it('nothing was written by the bad requests', async () => {
    const sessions = await request(chat.http).get('/sessions').set(bearer(token)).expect(200);
    expect(sessions.body.items.map((s: { title: string }) => s.title)).toEqual(['ok']);
    const messages = await request(chat.http).get(`/sessions/${sessionId}/messages`).set(bearer(token)).expect(200);
    expect(messages.body.items).toEqual([]);
  });

  it('an unknown route is a 404 in the same shape', async () => {
    const response = await request(chat.http).get('/nope').set(bearer(token)).expect(404);
    expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});
