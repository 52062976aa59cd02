// The upstream side: the keep-alive Agent (or a given dispatcher), the limiter, the pauses, a guard per endpoint, the client.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Dispatcher } from 'undici'
import { partNames } from '../parts.js'
import type { PartName } from '../parts.js'
import { createAgent } from '../upstream/agent.js'
import { UpstreamClient } from '../upstream/client.js'
import { endpoints } from '../upstream/endpoints.js'
import { EndpointGuard } from '../upstream/guard.js'
import type { Limiter } from '../upstream/limiter.js'
import { createLimits } from '../upstream/limits.js'
import type { Limits } from '../upstream/limits.js'
import type { Pauses } from '../upstream/pauses.js'

/** UPSTREAM_CONCURRENCY=0: a paid API's usual plan limit, or, for the embedded engine, enough for any flood to reach it. */
const DEFAULT_CONCURRENCY = 32
/**
 * The embedded engine queues and prices work itself (it knows its threads, its backlog and its cost
 * per character) and refuses at once what cannot finish in time: calls held back in the permit queue
 * would only wait there, and time out, instead of being refused.
 */
const EMBEDDED_CONCURRENCY = 1024

export interface Upstream {
  /** Upstream calls allowed in flight (UPSTREAM_CONCURRENCY, or its default for this upstream). */
  concurrency: number
  client: UpstreamClient
  dispatcher: Dispatcher
  limiter: Limiter
  pauses: Pauses
  guards: Record<PartName, EndpointGuard>
  limits: Limits
}

declare module 'fastify' {
  interface FastifyInstance {
    upstream: Upstream
  }
}

export interface UpstreamPluginOptions {
  /** A dispatcher to use instead of creating (and later closing) an Agent: tests and benchmarks choose. */
  dispatcher?: Dispatcher | undefined
}

export default fp<UpstreamPluginOptions>(async function upstream (app: FastifyInstance, opts) {
  const config = app.config
  const concurrency = config.UPSTREAM_CONCURRENCY || (app.upstreamTarget.embedded ? EMBEDDED_CONCURRENCY : DEFAULT_CONCURRENCY)
  let dispatcher = opts.dispatcher
  if (dispatcher === undefined) {
    const agent = createAgent({
      connections: concurrency,
      connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
      // Past the longest deadline (a batch's items may have up to MAX_BATCH_TIMEOUT_MS), so it only ever
      // catches a call that its request failed to cancel.
      stallTimeoutMs: Math.max(config.REQUEST_TIMEOUT_MS, config.MAX_BATCH_TIMEOUT_MS) + 1000,
      maxResponseBytes: config.UPSTREAM_MAX_RESPONSE_BYTES,
    })
    app.addHook('onClose', async () => { await agent.close() })
    dispatcher = agent
  }
  const { baseUrl, apiKey } = app.upstreamTarget
  const client = new UpstreamClient({ dispatcher, baseUrl, apiKey, maxResponseBytes: config.UPSTREAM_MAX_RESPONSE_BYTES })
  const guards = Object.fromEntries(partNames.map((part) => [part, new EndpointGuard(endpoints[part].path, {
    failureRatio: config.BREAKER_FAILURE_RATIO,
    minCalls: config.BREAKER_MIN_CALLS,
    windowMs: config.BREAKER_WINDOW_MS,
    halfOpenAfterMs: config.BREAKER_HALF_OPEN_AFTER_MS,
    retryBudgetRatio: config.UPSTREAM_RETRY_BUDGET_RATIO,
    timeoutIsFault: !app.upstreamTarget.embedded,
  })])) as Record<PartName, EndpointGuard>
  const limits = createLimits({
    concurrency,
    // Half the limit by default: however many batches run, interactive requests keep the other half.
    batchConcurrency: Math.min(concurrency, config.BATCH_CONCURRENCY || Math.max(1, Math.floor(concurrency / 2))),
    queueLimit: config.UPSTREAM_QUEUE_LIMIT,
    ratePerSecond: config.UPSTREAM_RATE_LIMIT,
    adaptive: config.UPSTREAM_ADAPTIVE,
    endpoints: partNames.map((p) => endpoints[p].path),
    redis: app.redis === undefined
      ? undefined
      : {
          link: app.redis,
          prefix: config.REDIS_PREFIX,
          leaseMs: config.UPSTREAM_LEASE_MS,
          fallbackConcurrency: config.UPSTREAM_FALLBACK_CONCURRENCY || Math.max(1, Math.floor(concurrency / 4)),
        },
  })
  app.addHook('onClose', async () => { await limits.close() })
  app.decorate('upstream', { concurrency, client, dispatcher, limiter: limits.limiter, pauses: limits.pauses, guards, limits })
}, { name: 'upstream', dependencies: ['@fastify/env', 'engine', 'redis'] })
