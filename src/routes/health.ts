// GET /healthz: liveness plus what an operator wants at a glance (permits, queue, circuits).
import type { FastifyInstance } from 'fastify'
import { partNames } from '../parts.js'

export default async function healthRoutes (app: FastifyInstance): Promise<void> {
  app.get('/healthz', async () => {
    const { guards } = app.upstream
    const limiter = app.analyzer.limiter.stats()
    return {
      status: 'ok',
      upstream: {
        embedded: app.upstreamTarget.embedded,
        inFlight: limiter.inUse,
        limit: limiter.limit,
        waiting: limiter.waiting,
        circuits: Object.fromEntries(partNames.map((p) => [p, guards[p].circuitState])),
      },
      // Redis is optional: its state is reported, never a reason to fail.
      ...(app.redis === undefined ? {} : { redis: app.redis.up ? 'up' : 'down' }),
    }
  })
}
