import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';
import { STATUS_CODES } from 'node:http';

export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Express's JSON parser, with its errors answered in Nest's error shape and in words a client can
 * act on. Errors of a body parser happen before Nest's routing, so Nest's exception filters never
 * see them: left alone, malformed JSON or a too-large body would get Express's HTML error page.
 */
export function jsonBody(limitBytes = BODY_LIMIT_BYTES): RequestHandler {
  const parse = json({ limit: limitBytes, type: JSON_MEDIA_TYPE });
  return (request: Request, response: Response, next: NextFunction) => {
    const refused = unsupportedMediaType(request);
    if (refused !== undefined) return answer(response, 415, refused);
    parse(request, response, (error?: unknown) => {
      if (error === undefined || error === null) return next();
      const { status, message } = describe(error as BodyParserError, limitBytes);
      answer(response, status, message);
    });
  };
}

const JSON_MEDIA_TYPE = 'application/json';

/**
 * Why a body is refused as not JSON, or undefined. The parser leaves a body of another type
 * unread, and the route would then see no body at all ("must be a JSON object"), which sends the
 * client looking for a fault in its JSON. A body without Content-Type is refused too: RFC 9110
 * lets a server treat it as application/octet-stream, and guessing JSON would accept what the
 * client never declared. An empty body (Content-Length: 0) is no body.
 */
function unsupportedMediaType(request: Request): string | undefined {
  const hasBody = request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] ?? '0') !== '0';
  if (!hasBody || request.is(JSON_MEDIA_TYPE)) return undefined;
  const declared = request.headers['content-type'];
  return declared === undefined
    ? `the request body has no Content-Type: send it as ${JSON_MEDIA_TYPE}`
    : `the request body must be ${JSON_MEDIA_TYPE}, not ${declared.split(';')[0].trim()}`;
}

function answer(response: Response, status: number, message: string): void {
  response.status(status).json({ statusCode: status, message, error: STATUS_CODES[status] });
}

interface BodyParserError {
  status?: number;
  type?: string;
  message?: string;
}

function describe(error: BodyParserError, limitBytes: number): { status: number; message: string } {
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
