// The setup file of the e2e-fastify jest project: see e2e-http-adapter.ts.
process.env.E2E_HTTP_ADAPTER = 'fastify';
