import request from 'supertest';

/** DESIGN.md: anything that needs the database answers 503 "with a message saying so, within 5 s". */
export const ANSWER_WITHIN_MS = 5_000;

export const UNAVAILABLE = { statusCode: 503, message: 'the database is unavailable; try again shortly', error: 'Service Unavailable' };

export type Call = () => request.Test;

/** Runs `call` and checks that it is the database's 503, answered within the bound; answers how long it took. */
export async function expectUnavailable(call: Call): Promise<number> {
  const startedAt = performance.now();
  const response = await call();
  const elapsedMs = performance.now() - startedAt;
  expect({ status: response.status, body: response.body, retryAfter: response.headers['retry-after'] }).toEqual({
    status: 503,
    body: UNAVAILABLE,
    retryAfter: '5',
  });
  expect(elapsedMs).toBeLessThan(ANSWER_WITHIN_MS);
  return elapsedMs;
}
