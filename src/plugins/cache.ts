// The result cache (CACHE=true): memory, plus Redis as the shared tier when there is one.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { RedisTier } from '../cache/redis-tier.js'
import { ResultCache } from '../cache/result-cache.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Undefined with CACHE=false. */
    cache: ResultCache | undefined
  }
}

export default fp(async function cache (app: FastifyInstance) {
  const config = app.config
  if (!config.CACHE) {
    app.decorate('cache', undefined)
    return
  }
  app.decorate('cache', new ResultCache({
    ttlMs: config.CACHE_TTL_S * 1000,
    staleIfErrorMs: config.CACHE_STALE_IF_ERROR_S * 1000,
    maxBytes: config.CACHE_MAX_BYTES,
    maxEntryBytes: config.CACHE_MAX_ENTRY_BYTES,
    shared: app.redis === undefined ? undefined : new RedisTier(app.redis, config.REDIS_PREFIX),
  }))
}, { name: 'cache', dependencies: ['@fastify/env', 'redis'] })
