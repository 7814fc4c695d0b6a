import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ADMIN_TOKEN, METRICS_TOKEN, USER_TOKEN } from './api-answers';

/** Where the Swagger UI and the OpenAPI document are served. */
export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs-json';

/**
 * Serves the Swagger UI at /docs and the OpenAPI 3 document at /docs-json, on either adapter (on
 * Fastify through @fastify/static). The document is built from the controllers' decorators; call
 * this before the application is initialized (Fastify takes routes until it is ready).
 */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('chat-cache')
    .setDescription(
      'A chat API served through a tiered cache. JSON in and out; errors are { statusCode, message, error }. ' +
        'Cached GET routes answer X-Cache, an ETag (If-None-Match gives 304), Cache-Control: private, no-cache and Vary: Authorization.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The token POST /users answers' }, USER_TOKEN)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' }, ADMIN_TOKEN)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when it is set' }, METRICS_TOKEN)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  describeDocsRoutes(document);
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: DOCS_JSON_PATH, raw: ['json'] });
  return document;
}

/** /docs and /docs-json are routes of the API too: SwaggerModule serves them without listing them. */
function describeDocsRoutes(document: OpenAPIObject): void {
  document.paths[`/${DOCS_PATH}`] = {
    get: {
      tags: ['docs'],
      summary: 'Swagger UI of this document',
      responses: { '200': { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  };
  document.paths[`/${DOCS_JSON_PATH}`] = {
    get: {
      tags: ['docs'],
      summary: 'This OpenAPI 3 document',
      responses: { '200': { description: 'The document', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  };
}
