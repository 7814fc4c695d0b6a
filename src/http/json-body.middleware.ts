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
  const parse = json({ limit: limitBytes });
  return (request: Request, response: Response, next: NextFunction) => {
    parse(request, response, (error?: unknown) => {
      if (error === undefined || error === null) return next();
      const { status, message } = describe(error as BodyParserError, limitBytes);
      response.status(status).json({ statusCode: status, message, error: STATUS_CODES[status] });
    });
  };
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
