import { AppProcess } from '../support/app-process';
import { eventually } from '../support/redis-server';

/** How many times the fixture's RoomsService read room 1 from its "database" (it logs each read). */
export function databaseReads(app: AppProcess): number {
  return app.stdout.split('database read: room 1').length - 1;
}

export async function getRoom(baseUrl: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/rooms/1`, { headers });
  const text = await response.text();
  return { status: response.status, xCache: response.headers.get('x-cache'), etag: response.headers.get('etag'), text };
}

export async function renameRoom(baseUrl: string, title: string): Promise<number> {
  const response = await fetch(`${baseUrl}/rooms/1`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ title }),
  });
  await response.text();
  return response.status;
}

/**
 * What the README promises of the fixture's rooms, as a client sees it: the first read misses and reads
 * the database, the next answers from the HTTP cache, a reload (`Cache-Control: no-cache`) runs the handler
 * but @Cacheable answers it without the database, and a rename (invalidateTags) drops both.
 */
export async function exerciseRooms(baseUrl: string, app: AppProcess): Promise<void> {
  const first = await getRoom(baseUrl);
  expect(first).toMatchObject({ status: 200, xCache: 'MISS', text: '{"id":"1","title":"General"}' });
  expect(first.etag).toBeTruthy();

  expect(await getRoom(baseUrl)).toMatchObject({ status: 200, xCache: 'HIT', etag: first.etag, text: first.text });
  expect(await getRoom(baseUrl, { 'If-None-Match': first.etag! })).toMatchObject({ status: 304, text: '' });
  expect(await getRoom(baseUrl, { 'Cache-Control': 'no-cache' })).toMatchObject({ status: 200, xCache: 'BYPASS', text: first.text });

  expect(await renameRoom(baseUrl, 'Lobby')).toBe(200);
  expect(await getRoom(baseUrl)).toMatchObject({ status: 200, xCache: 'MISS', text: '{"id":"1","title":"Lobby"}' });
  // Log lines arrive in order: once the read after the rename is in, any read the reload made would be too.
  expect(await eventually(() => databaseReads(app) >= 2)).toBe(true);
  expect(databaseReads(app)).toBe(2);
}

/** POST /rooms/1/visits: the fixture's service written for @nestjs/cache-manager counts visits in CACHE_MANAGER. */
export async function visitRoom(baseUrl: string): Promise<unknown> {
  const response = await fetch(`${baseUrl}/rooms/1/visits`, { method: 'POST' });
  return { status: response.status, body: await response.json() };
}
