// Health for orchestrators: GET /health/live (the process serves), GET /health/ready (503 naming why not), /healthz (alias of ready).
import type { FastifyInstance } from 'fastify'
import { partNames } from '../parts.js'
import { endpoints } from '../upstream/endpoints.js'

export default async function healthRoutes (app: FastifyInstance): Promise<void> {
  app.get('/health/live', async () => ({ status: 'ok' }))

  const ready = async (_request: unknown, reply: { code (status: number): unknown }) => {
    const reasons = app.readiness.reasons()
    if (reasons.length > 0) reply.code(503)
    const { guards, limits } = app.upstream
    const limiter = app.analyzer.limiter.stats()
    const now = Date.now()
    return {
      status: reasons.length > 0 ? 'not-ready' : 'ready',
      reasons,
      upstream: {
        embedded: app.upstreamTarget.embedded,
        circuits: Object.fromEntries(partNames.map((p) => {
          const g = guards[p]
          const probeInS = Math.ceil(g.probeInMs(now) / 1000)
          return [endpoints[p].path, { state: g.circuitState, ...(g.circuitState === 'open' ? { retryInS: probeInS } : {}) }]
        })),
        limiter: {
          mode: limits.shared === undefined ? 'local' : limits.shared.fallingBack ? 'fallback' : 'shared',
          inFlight: limiter.inUse,
          limit: limiter.limit,
          waiting: limiter.waiting,
          ...(limits.adaptive === undefined ? {} : { adaptiveLimit: limits.adaptive.ceiling }),
        },
      },
      // Redis is optional: its state is reported, never a reason to be not ready.
      ...(app.redis === undefined ? {} : { redis: app.redis.up ? 'up' : 'down' }),
    }
  }
  app.get('/health/ready', ready)
  app.get('/healthz', ready)
}
