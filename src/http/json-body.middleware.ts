import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { BODY_LIMIT_BYTES, jsonBodyReader } from './json-body';

/**
 * The JSON body reader as Express middleware, its refusals answered in Nest's error shape. Errors
 * of a body parser happen before Nest's routing, so Nest's exception filters never see them: left
 * alone, malformed JSON or a too-large body would get Express's HTML error page.
 */
export function jsonBody(limitBytes = BODY_LIMIT_BYTES): RequestHandler {
  const read = jsonBodyReader(limitBytes);
  return (request: Request, response: Response, next: NextFunction) => {
    void read(request).then((refusal) => {
      if (refusal === undefined) return next();
      const { status, message } = refusal;
      response.status(status).json({ statusCode: status, message, error: STATUS_CODES[status] });
    });
  };
}
