import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { ChatApp, startChatApp } from '../support/chat-app';

/** The HTTP API's table of routes (the README's API section): the document must describe each. */
const API_ROUTES = [
  'POST /users',
  'GET /users/me',
  'DELETE /users/me',
  'POST /sessions',
  'GET /sessions',
  'GET /sessions/{id}',
  'PATCH /sessions/{id}',
  'DELETE /sessions/{id}',
  'POST /sessions/{id}/messages',
  'GET /sessions/{id}/messages',
  'GET /search',
  'GET /cache/stats',
  'POST /cache/invalidate',
  'GET /health',
  'GET /health/live',
  'GET /health/ready',
  'GET /metrics',
  'GET /docs',
  'GET /docs-json',
];

/** The routes a user's token opens, and the cached GETs among them. */
const USER_ROUTES = API_ROUTES.filter((route) => /\/(users\/me|sessions|search)/.test(route));
const CACHED_ROUTES = ['GET /users/me', 'GET /sessions', 'GET /sessions/{id}', 'GET /sessions/{id}/messages', 'GET /search'];

interface Operation {
  parameters?: { name: string; in: string; schema?: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema: { $ref?: string } }> }>;
  security?: Record<string, string[]>[];
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
    securitySchemes: Record<string, unknown>;
  };
}

describe('OpenAPI: GET /docs-json and the Swagger UI at /docs', () => {
  let chat: ChatApp;
  let document: OpenApiDocument;

  beforeAll(async () => {
    chat = await startChatApp();
    const response = await request(chat.http)
      .get('/docs-json')
      .expect(200)
      .expect('Content-Type', /application\/json/);
    document = response.body;
  });

  afterAll(() => chat.close());

  const operation = (route: string): Operation => {
    const [method, path] = route.split(' ');
    return document.paths[path]?.[method.toLowerCase()];
  };
  const schemaOf = (ref: string | undefined) => document.components.schemas[ref!.replace('#/components/schemas/', '')];

  it('is a valid OpenAPI 3 document', async () => {
    expect(document.openapi).toMatch(/^3\./);
    // Against the OpenAPI 3 schema, every $ref resolved. It dereferences what it is given: a copy.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('lists every route of the API, and no other', () => {
    const listed = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(listed.sort()).toEqual([...API_ROUTES].sort());
  });

  it('names the bearer scheme on every route a token opens', () => {
    expect(document.components.securitySchemes['user-token']).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const route of USER_ROUTES)
      expect({ route, security: operation(route).security }).toEqual({ route, security: [{ 'user-token': [] }] });
    expect(operation('POST /users').security).toBeUndefined();
    expect(operation('GET /cache/stats').security).toEqual([{ 'admin-token': [] }]);
  });

  it('describes the bodies with their DTOs and the answers with Session, Message, page and search hit', () => {
    const body = (route: string) => schemaOf(operation(route).requestBody?.content['application/json'].schema.$ref);
    expect(body('POST /users').properties).toHaveProperty('name');
    expect(body('POST /sessions').properties).toHaveProperty('title');
    expect(Object.keys(body('POST /sessions/{id}/messages').properties!).sort()).toEqual(['content', 'role']);
    expect(Object.keys(body('POST /cache/invalidate').properties!).sort()).toEqual(['keys', 'pattern', 'tags']);

    const answer = (route: string, status: string) => schemaOf(operation(route).responses[status].content!['application/json'].schema.$ref);
    const session = ['createdAt', 'id', 'lastMessageAt', 'messageCount', 'title', 'updatedAt', 'userId'];
    expect(Object.keys(answer('GET /sessions/{id}', '200').properties!).sort()).toEqual(session);
    expect(Object.keys(answer('POST /sessions', '201').properties!).sort()).toEqual(session);
    expect(Object.keys(answer('POST /sessions/{id}/messages', '201').properties!).sort()).toEqual([
      'content',
      'createdAt',
      'id',
      'role',
      'sessionId',
    ]);
    expect(Object.keys(answer('GET /sessions/{id}/messages', '200').properties!).sort()).toEqual(['items', 'nextCursor']);
    expect(answer('GET /search', '200').properties!.items).toMatchObject({ items: { $ref: '#/components/schemas/SearchHitResponse' } });
    expect(Object.keys(schemaOf('#/components/schemas/SearchHitResponse').properties!).sort()).toEqual([
      'createdAt',
      'messageId',
      'role',
      'sessionId',
      'snippet',
    ]);
    expect(Object.keys(answer('POST /users', '201').properties!).sort()).toEqual(['id', 'name', 'token']);
  });

  it('describes the error shape, and the query parameters with their bounds', () => {
    const error = operation('POST /sessions').responses['400'].content!['application/json'].schema.$ref;
    expect(Object.keys(schemaOf(error).properties!).sort()).toEqual(['error', 'message', 'statusCode']);
    expect(Object.keys(operation('POST /sessions').responses).sort()).toEqual(['201', '400', '401', '413', '415']);
    const limit = operation('GET /sessions/{id}/messages').parameters!.find((parameter) => parameter.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', schema: { minimum: 1, maximum: 200, default: 50 } });
    const names = operation('GET /search').parameters!.map((parameter) => `${parameter.in}:${parameter.name}`);
    expect(names).toEqual(expect.arrayContaining(['query:q', 'query:sessionId', 'query:role', 'query:limit']));
  });

  it('gives the cached GET routes their cache headers and the 304', () => {
    for (const route of CACHED_ROUTES) {
      const { responses } = operation(route);
      expect({ route, headers: Object.keys(responses['200'].headers ?? {}).sort() }).toEqual({
        route,
        headers: ['Cache-Control', 'ETag', 'Vary', 'X-Cache'],
      });
      expect(responses['304']).toBeDefined();
    }
  });

  it('serves the Swagger UI, whose scripts and styles load', async () => {
    const page = await request(chat.http)
      .get('/docs')
      .expect(200)
      .expect('Content-Type', /text\/html/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map(
      (match) => new URL(match[1], 'http://host/docs').pathname,
    );
    expect(assets).toEqual(expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css', '/docs/swagger-ui-init.js']));
    for (const asset of assets) await request(chat.http).get(asset).expect(200);
    // The UI reads the same document.
    expect((await request(chat.http).get('/docs/swagger-ui-init.js').expect(200)).text).toContain('"/sessions/{id}/messages"');
  });
});
