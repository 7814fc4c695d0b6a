import { ArgumentMetadata, PipeTransform, Type } from '@nestjs/common';
import { PARAMTYPES_METADATA, PIPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ApplicationConfig } from '@nestjs/core';
import { stableJson } from '../decorators/stable-json';

/** What `validatedQuery` answers when the route's pipes refuse the query: they will answer the 400. */
export const INVALID_QUERY = Symbol('invalid query');

/**
 * Raw queries remembered per handler with what the pipes made of them: a hit then costs a lookup,
 * not a validation (a ValidationPipe run is tens of microseconds, more than the rest of a hit).
 * Bounded, since each distinct raw query a client sends would otherwise stay.
 */
const REMEMBERED_QUERIES_PER_HANDLER = 256;

/** A `@Query()` parameter of a handler: its declared type and the pipes Nest runs on it, in Nest's order. */
interface QueryParameter {
  metadata: ArgumentMetadata;
  pipes: readonly PipeTransform[];
}

/** The handler, its controller class, as an ExecutionContext gives them. */
export interface RouteHandler {
  controller: Type<unknown>;
  /** The handler method (Nest's `getHandler()`): its name is the method's. */
  handler: object & { readonly name: string };
}

/**
 * The query as the handler will receive it, so that requests the handler cannot tell apart share
 * one cache entry (`?limit=020`, `?limit=20` and no limit, with a DTO whose default is 20). Nest
 * runs interceptors before pipes, so this runs the pipes of the handler's `@Query()` parameters
 * itself, in Nest's order (global, controller, method, parameter), on the parameter's declared
 * type: with a ValidationPipe (transform) that is the validated, transformed DTO.
 *
 * Used only where that is exactly what the handler sees: every query parameter is a whole
 * `@Query()` one and every pipe is an instance. A handler with `@Query('name')` parameters or with
 * pipes Nest must instantiate is keyed by its raw query, as before. A handler that also reads the
 * raw query by other means (`@Req()`) must not depend on what its DTO drops.
 */
export class ValidatedQueries {
  private readonly parameters = new WeakMap<object, readonly QueryParameter[] | null>();
  private readonly remembered = new WeakMap<object, Map<string, unknown>>();

  constructor(private readonly config: ApplicationConfig) {}

  /**
   * The query to key the request by, or INVALID_QUERY when a pipe refused it. The pipes' answer for
   * a raw query is remembered: they are taken to answer the same for the same query, which holds
   * for validation and transformation (a pipe that answers by the clock would be keyed by its first answer).
   */
  async of(route: RouteHandler, rawQuery: unknown): Promise<unknown> {
    const parameters = this.queryParameters(route);
    if (parameters === null) return rawQuery;
    let remembered = this.remembered.get(route.handler);
    if (remembered === undefined) this.remembered.set(route.handler, (remembered = new Map()));
    const raw = isEmptyObject(rawQuery) ? '' : stableJson(rawQuery); // most requests have no query
    if (remembered.has(raw)) return remembered.get(raw);
    const query = await this.runPipes(parameters, rawQuery);
    if (remembered.size >= REMEMBERED_QUERIES_PER_HANDLER) remembered.clear();
    remembered.set(raw, query);
    return query;
  }

  private async runPipes(parameters: readonly QueryParameter[], rawQuery: unknown): Promise<unknown> {
    const globalPipes = this.config.getGlobalPipes();
    const values: unknown[] = [];
    for (const { metadata, pipes } of parameters) {
      let value = rawQuery;
      try {
        for (const pipe of globalPipes) value = await pipe.transform(value, metadata);
        for (const pipe of pipes) value = await pipe.transform(value, metadata);
      } catch {
        return INVALID_QUERY;
      }
      values.push(value);
    }
    return values.length === 1 ? values[0] : values;
  }

  private queryParameters(route: RouteHandler): readonly QueryParameter[] | null {
    let parameters = this.parameters.get(route.handler);
    if (parameters === undefined) {
      parameters = readQueryParameters(route);
      this.parameters.set(route.handler, parameters);
    }
    return parameters;
  }
}

interface RouteArgument {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

function readQueryParameters({ controller, handler }: RouteHandler): readonly QueryParameter[] | null {
  const methodName = handler.name;
  const args: Record<string, RouteArgument> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, methodName) ?? {};
  const types: unknown[] = Reflect.getMetadata(PARAMTYPES_METADATA, controller.prototype as object, methodName) ?? [];
  const routePipes = [...(Reflect.getMetadata(PIPES_METADATA, controller) ?? []), ...(Reflect.getMetadata(PIPES_METADATA, handler) ?? [])];
  const parameters: (QueryParameter & { index: number })[] = [];
  for (const [key, argument] of Object.entries(args)) {
    // Keys are `<RouteParamtypes>:<index>`; custom decorators' keys do not start with a number.
    if (Number(key.split(':')[0]) !== RouteParamtypes.QUERY) continue;
    if (argument.data !== undefined) return null;
    const pipes = [...routePipes, ...(argument.pipes ?? [])];
    if (!pipes.every(isPipeInstance)) return null;
    const metatype = types[argument.index] as ArgumentMetadata['metatype'];
    parameters.push({ index: argument.index, metadata: { type: 'query', metatype, data: undefined }, pipes });
  }
  return parameters.length === 0 ? null : parameters.sort((a, b) => a.index - b.index);
}

function isPipeInstance(pipe: unknown): pipe is PipeTransform {
  return typeof pipe === 'object' && pipe !== null && typeof (pipe as PipeTransform).transform === 'function';
}

function isEmptyObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  for (const _ in value) return false;
  return true;
}
