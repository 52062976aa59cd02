// Health for orchestrators: GET /health/live (the process serves), GET /health/ready (503 naming why not), /healthz (alias of ready).
import type { FastifyInstance } from 'fastify'
import { partNames } from '../parts.js'
import { endpoints } from '../upstream/endpoints.js'

const readiness = {
  type: 'object',
  required: ['status', 'reasons', 'upstream'],
  properties: {
    status: { type: 'string', enum: ['ready', 'not-ready'] },
    reasons: { type: 'array', items: { type: 'string', enum: ['draining', 'engine-down', 'circuits-open'] } },
    upstream: {
      type: 'object',
      properties: {
        embedded: { type: 'boolean' },
        circuits: {
          type: 'object',
          description: 'Per upstream endpoint: closed, half-open, or open with the seconds until its next probe',
          additionalProperties: { type: 'object', properties: { state: { type: 'string', enum: ['closed', 'half-open', 'open'] }, retryInS: { type: 'integer' } } },
        },
        limiter: {
          type: 'object',
          properties: {
            mode: { type: 'string', enum: ['local', 'shared', 'fallback'] },
            inFlight: { type: 'integer' },
            limit: { type: 'integer' },
            waiting: { type: 'integer' },
            adaptiveLimit: { type: 'integer' },
            batchInFlight: { type: 'integer', description: 'Calls in flight for batches (POST /analyze/batch), at most batchLimit' },
            batchLimit: { type: 'integer' },
          },
        },
      },
    },
    engine: {
      type: 'object',
      description: 'The embedded engine\'s pool and backlog (when it is the upstream)',
      properties: {
        workers: { type: 'integer', description: 'Threads ready to analyse' },
        busy: { type: 'integer' },
        queued: { type: 'integer', description: 'Texts waiting for a thread' },
        backlogChars: { type: 'integer', description: 'Characters queued and running' },
        msPerChar: { type: ['number', 'null'], description: 'Measured cost of all three analyses, per character' },
        refused: { type: 'integer', description: 'Calls refused because they could not finish within their deadline' },
      },
    },
    redis: { type: 'string', enum: ['up', 'down'] },
  },
} as const

export default async function healthRoutes (app: FastifyInstance): Promise<void> {
  // Probes are answered under event-loop pressure too: a lagging process is alive, and readiness says
  // why it is not ready instead of a shed 503. (@fastify/under-pressure calls a route's own handler.)
  const config = { pressureHandler: () => {} }
  app.get('/health/live', {
    config,
    schema: {
      summary: 'Liveness',
      description: 'The process serves. It never fails on upstream or Redis trouble: restarting would not help.',
      tags: ['health'],
      response: { 200: { description: 'Alive', type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } },
    },
  }, async () => ({ status: 'ok' }))

  const ready = async (_request: unknown, reply: { code (status: number): unknown }) => {
    const { reasons, engine } = await app.readiness.check()
    if (reasons.length > 0) reply.code(503)
    const { guards, limits } = app.upstream
    const limiter = app.analyzer.limiter.stats()
    const batch = app.batchLimiter
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
          batchInFlight: batch.stats().inUse,
          batchLimit: batch.size,
        },
      },
      ...(engine === undefined
        ? {}
        : { engine: { workers: engine.workers, busy: engine.busy, queued: engine.queued, backlogChars: engine.backlogChars, msPerChar: engine.msPerChar, refused: engine.refused } }),
      // Redis is optional: its state is reported, never a reason to be not ready.
      ...(app.redis === undefined ? {} : { redis: app.redis.up ? 'up' : 'down' }),
    }
  }
  const schema = (summary: string) => ({
    summary,
    description: 'Whether this replica should receive traffic: 503 while draining on SIGTERM, while the embedded engine is down, or ' +
      'when every upstream circuit is open, naming why. Reports each breaker (and when it probes again), the limiter and Redis.',
    tags: ['health'],
    response: { 200: { description: 'Ready', ...readiness }, 503: { description: 'Not ready: `reasons` says why', ...readiness } },
  })
  app.get('/health/ready', { config, schema: schema('Readiness') }, ready)
  app.get('/healthz', { config, schema: schema('Readiness (alias of /health/ready)') }, ready)
}
