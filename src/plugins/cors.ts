// Opt-in CORS (@fastify/cors) for browser frontends on other origins; off unless CORS_ORIGINS is set.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import cors from '@fastify/cors'

/** Parses CORS_ORIGINS: empty (off), `*`, or a comma-separated list of origins. */
export function corsOrigins (value: string): '*' | string[] | undefined {
  const trimmed = value.trim()
  if (trimmed === '') return undefined
  if (trimmed === '*') return '*'
  return trimmed.split(',').map((o) => o.trim()).filter((o) => o !== '')
}

export default fp(async function corsPlugin (app: FastifyInstance) {
  const origins = corsOrigins(app.config.CORS_ORIGINS)
  // Off by default: a same-origin frontend or a proxy needs none, and nothing is added to the hot path.
  if (origins === undefined) return
  const keys = app.config.API_KEYS !== '' || app.config.API_KEYS_FILE !== ''
  // An OPTIONS without Origin and Access-Control-Request-Method is no preflight: it answers as with
  // CORS off (the not-found handler: 405 naming the methods, or 404), not @fastify/cors's text/plain 400.
  // Before @fastify/cors's own hook, which would answer it first.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method === 'OPTIONS' && (request.headers.origin === undefined || request.headers['access-control-request-method'] === undefined)) {
      reply.callNotFound()
      return
    }
    done()
  })
  await app.register(cors, {
    origin: origins,
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type', 'x-request-id', 'request-timeout-ms', 'cache-control', 'accept', ...(keys ? ['authorization', 'x-api-key'] : [])],
    // Without these a browser script cannot read the request id, the partial marker, the back-off, the
    // timings, the cache's say, or where it stands with its limits.
    exposedHeaders: ['x-request-id', 'server-timing', 'partial-response', 'retry-after', 'cache-status', 'ratelimit', 'ratelimit-policy', 'www-authenticate'],
    // Browsers cache a preflight this long (Chromium caps it at 2 hours).
    maxAge: 7200,
  })
  // Server-Timing durations are hidden from cross-origin pages unless Timing-Allow-Origin admits them.
  const allowed = origins === '*' ? undefined : new Set(origins)
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin
    if (origin !== undefined && (allowed === undefined || allowed.has(origin))) reply.header('timing-allow-origin', origin)
    done()
  })
}, { name: 'cors', dependencies: ['@fastify/env'] })
