// The Redis connection when REDIS_URL is set, shared by the cache (and the cluster-wide limits); closed on close.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { RedisLink } from '../redis/link.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Undefined without REDIS_URL. */
    redis: RedisLink | undefined
  }
}

export default fp(async function redis (app: FastifyInstance) {
  const url = app.config.REDIS_URL
  if (url === '') {
    app.decorate('redis', undefined)
    return
  }
  const link = new RedisLink({ url, commandTimeoutMs: app.config.REDIS_COMMAND_TIMEOUT_MS, log: app.log.child({ component: 'redis' }) })
  app.decorate('redis', link)
  app.addHook('onClose', async () => { await link.close() })
}, { name: 'redis', dependencies: ['@fastify/env'] })
