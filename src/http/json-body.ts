import { json } from 'express';
import type { IncomingMessage } from 'node:http';

/** The largest request body accepted, on either adapter. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export const JSON_MEDIA_TYPE = 'application/json';

/** A refused body: the status and the message a client can act on. */
export interface BodyRefusal {
  status: number;
  message: string;
}

/**
 * Reads and parses a JSON body from Node's request into `request.body`, or answers why it is
 * refused. Express's JSON parser (body-parser) on both adapters, so that the limit, charsets,
 * compressed bodies and the words of every refusal are the same whether Express or Fastify serves
 * the request: it reads only the request stream and its headers.
 */
export type JsonBodyReader = (request: IncomingMessage & { body?: unknown }) => Promise<BodyRefusal | undefined>;

export function jsonBodyReader(limitBytes = BODY_LIMIT_BYTES): JsonBodyReader {
  const parse = json({ limit: limitBytes, type: JSON_MEDIA_TYPE });
  return (request) =>
    new Promise((resolve) => {
      const refused = unsupportedMediaType(request);
      if (refused !== undefined) return resolve({ status: 415, message: refused });
      // body-parser's types name Express's request and response; it reads only what Node's request
      // has, and the response only for a `verify` option, which is not given.
      parse(request as never, undefined as never, (error?: unknown) =>
        resolve(error === undefined || error === null ? undefined : describe(error as BodyParserError, limitBytes)),
      );
    });
}

/**
 * Why a body is refused as not JSON, or undefined. The parser leaves a body of another type
 * unread, and the route would then see no body at all ("must be a JSON object"), which sends the
 * client looking for a fault in its JSON. A body without Content-Type is refused too: RFC 9110
 * lets a server treat it as application/octet-stream, and guessing JSON would accept what the
 * client never declared. An empty body (Content-Length: 0) is no body.
 */
export function unsupportedMediaType(request: IncomingMessage): string | undefined {
  const hasBody = request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] ?? '0') !== '0';
  const declared = request.headers['content-type'];
  if (!hasBody || (declared !== undefined && mediaType(declared) === JSON_MEDIA_TYPE)) return undefined;
  return declared === undefined
    ? `the request body has no Content-Type: send it as ${JSON_MEDIA_TYPE}`
    : `the request body must be ${JSON_MEDIA_TYPE}, not ${declared.split(';')[0].trim()}`;
}

/** `type/subtype` of a Content-Type, without parameters, in lower case (media types are case-insensitive). */
function mediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

interface BodyParserError {
  status?: number;
  type?: string;
  message?: string;
}

function describe(error: BodyParserError, limitBytes: number): BodyRefusal {
  switch (error.type) {
    case 'entity.parse.failed':
      return { status: 400, message: `the request body is not valid JSON: ${error.message}` };
    case 'entity.too.large':
      return { status: 413, message: `the request body is larger than ${limitBytes / 1024} KiB` };
    default: {
      const status = error.status !== undefined && error.status >= 400 && error.status < 500 ? error.status : 400;
      return { status, message: `the request body could not be read: ${error.message ?? 'unknown error'}` };
    }
  }
}
