import { ArgumentMetadata, Controller, Get, PipeTransform, Query, UsePipes } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { INVALID_QUERY, ValidatedQueries } from './validated-query';

class PageQuery {
  limit = 20;
}

/** Stands in for a transforming ValidationPipe: numbers from strings, 400 for what is not one. */
class ToPageQuery implements PipeTransform {
  readonly seen: ArgumentMetadata[] = [];
  transform(value: Record<string, string>, metadata: ArgumentMetadata) {
    this.seen.push(metadata);
    if (metadata.metatype !== PageQuery) return value;
    const page = new PageQuery();
    if (value.limit !== undefined) {
      if (!/^\d+$/.test(value.limit)) throw new Error('limit must be an integer');
      page.limit = Number(value.limit);
    }
    return page;
  }
}

const markMethodPipe: PipeTransform = { transform: (value: PageQuery) => ({ ...value, method: true }) };

@Controller('fixture')
class FixtureController {
  @Get('page')
  page(@Query() _query: PageQuery) {}

  @Get('two')
  two(@Query() _a: PageQuery, @Query() _b: Record<string, string>) {}

  @Get('keyed')
  keyed(@Query('limit') _limit: string) {}

  @Get('none')
  none() {}

  @Get('piped')
  @UsePipes(markMethodPipe)
  piped(@Query() _query: PageQuery) {}

  @Get('class-pipe')
  @UsePipes(ToPageQuery)
  classPipe(@Query() _query: PageQuery) {}
}

describe('ValidatedQueries', () => {
  let pipe: ToPageQuery;
  let queries: ValidatedQueries;
  const route = (name: keyof FixtureController) => ({ controller: FixtureController, handler: FixtureController.prototype[name] });

  beforeEach(() => {
    const config = new ApplicationConfig();
    pipe = new ToPageQuery();
    config.useGlobalPipes(pipe);
    queries = new ValidatedQueries(config);
  });

  it("is the handler's @Query() value after the global pipes, on the parameter's type", async () => {
    for (const raw of [{ limit: '20' }, { limit: '020' }, {}]) {
      const query = await queries.of(route('page'), raw);
      expect(query).toBeInstanceOf(PageQuery);
      expect(query).toEqual({ limit: 20 });
    }
    expect(pipe.seen[0]).toEqual({ type: 'query', metatype: PageQuery, data: undefined });
  });

  it('is INVALID_QUERY when a pipe refuses the query', async () => {
    expect(await queries.of(route('page'), { limit: 'ten' })).toBe(INVALID_QUERY);
  });

  it("runs the route's own pipe instances after the global ones", async () => {
    expect(await queries.of(route('piped'), { limit: '7' })).toEqual({ limit: 7, method: true });
  });

  it('lists every @Query() parameter in order', async () => {
    expect(await queries.of(route('two'), { limit: '3' })).toEqual([{ limit: 3 }, { limit: '3' }]);
  });

  it('is the raw query where the handler reads it otherwise: keyed @Query, pipes Nest instantiates, no @Query', async () => {
    const raw = { limit: '020' };
    expect(await queries.of(route('keyed'), raw)).toBe(raw);
    expect(await queries.of(route('classPipe'), raw)).toBe(raw);
    expect(await queries.of(route('none'), raw)).toBe(raw);
  });

  it('runs the pipes once per distinct raw query of a handler, and remembers a refusal too', async () => {
    expect(await queries.of(route('page'), { limit: '020' })).toEqual({ limit: 20 });
    expect(await queries.of(route('page'), { limit: '020' })).toEqual({ limit: 20 });
    expect(await queries.of(route('page'), { limit: 'x' })).toBe(INVALID_QUERY);
    expect(await queries.of(route('page'), { limit: 'x' })).toBe(INVALID_QUERY);
    expect(pipe.seen).toHaveLength(2);
    expect(await queries.of(route('page'), { limit: '21' })).toEqual({ limit: 21 });
    expect(pipe.seen).toHaveLength(3);
  });

  it('forgets remembered queries past its bound instead of growing with every query a client invents', async () => {
    for (let i = 0; i < 1000; i++) await queries.of(route('page'), { limit: String(i) });
    pipe.seen.length = 0;
    await queries.of(route('page'), { limit: '0' });
    expect(pipe.seen).toHaveLength(1);
  });
});
