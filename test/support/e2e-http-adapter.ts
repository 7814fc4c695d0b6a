import type { INestApplication, NestApplicationOptions, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { HttpAdapterName } from '../../src/config/app-config';

/**
 * The HTTP adapter the e2e specs run on. The jest project decides: `e2e` runs every spec on Express,
 * `e2e-fastify` runs the chat specs and the HTTP cache's again on Fastify (its setup file sets
 * E2E_HTTP_ADAPTER), so a spec is written once and answers for both.
 */
export const E2E_HTTP_ADAPTER: HttpAdapterName = process.env.E2E_HTTP_ADAPTER === 'fastify' ? 'fastify' : 'express';

/** NestFactory.create on the e2e adapter, for specs that build a fixture app of their own. */
export function createNestApp(module: Type<unknown>, options: NestApplicationOptions = {}): Promise<INestApplication> {
  return E2E_HTTP_ADAPTER === 'fastify' ? NestFactory.create(module, new FastifyAdapter(), options) : NestFactory.create(module, options);
}
