// The API described from the route schemas: OpenAPI 3.1 at GET /openapi.json (@fastify/swagger), Swagger UI at GET /docs.
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

export default fp(async function openapi (app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'text-bff',
        version,
        description: 'One request in, three analyses out: POST /analyze with a text answers with its summary, its named entities ' +
          'and its most common phrases, computed concurrently by a Text API upstream, with a report on each part. Every error is an ' +
          'RFC 9457 problem document with a stable code; GET /problems lists them.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A client key (API_KEYS), as Authorization: Bearer <key>' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same key, as X-API-Key' },
        },
      },
      tags: [
        { name: 'analysis', description: 'Analyse a text' },
        { name: 'health', description: 'For orchestrators and load balancers' },
        { name: 'problems', description: 'What each error code means' },
        { name: 'playground', description: 'Try the analysis in a browser' },
      ],
    },
  })
  // Swagger UI's assets are served from the package itself: no CDN, works offline. Its page gets a
  // policy of its own (its inline script and styles by hash), with nothing from elsewhere.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { displayRequestDuration: true, validatorUrl: null },
    staticCSP: {
      'default-src': ["'self'"],
      'base-uri': ["'self'"],
      'frame-ancestors': ["'none'"],
      'object-src': ["'none'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'", 'data:'],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'connect-src': ["'self'"],
    },
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'openapi', dependencies: ['@fastify/env'] })
