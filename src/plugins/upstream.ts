// Owns the upstream side: the embedded engine when none is configured, the Agent, semaphore, guards, analyzer.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Dispatcher } from 'undici'
import { Analyzer } from '../analyze/analyzer.js'
import type { Config } from '../config.js'
import type { EmbeddedEngine } from '../engine/embedded.js'
import { createAgent } from '../upstream/agent.js'
import { UpstreamClient } from '../upstream/client.js'
import { endpoints, partNames } from '../upstream/endpoints.js'
import type { PartName } from '../upstream/endpoints.js'
import { EndpointGuard } from '../upstream/guard.js'
import { Semaphore } from '../upstream/semaphore.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    analyzer: Analyzer
    upstream: { client: UpstreamClient, guards: Record<PartName, EndpointGuard>, dispatcher: Dispatcher, embedded: boolean, engine: EmbeddedEngine | undefined }
  }
}

export interface UpstreamPluginOptions {
  /** A dispatcher to use instead of creating (and later closing) an Agent: tests and benchmarks choose. */
  dispatcher?: Dispatcher
}

export default fp<UpstreamPluginOptions>(async function upstream (app: FastifyInstance, opts) {
  const config = app.config
  let baseUrl = config.TEXT_API_URL
  let apiKey = config.TEXT_API_KEY
  const embedded = baseUrl === ''
  let engine: EmbeddedEngine | undefined
  if (embedded) {
    // A fresh key per start: the engine listens on loopback, and only this process should use it.
    apiKey = randomBytes(16).toString('hex')
    // Imported on demand: a service that fronts the real API never loads the engine's code.
    const { startEmbeddedEngine } = await import('../engine/embedded.js')
    engine = await startEmbeddedEngine({ log: app.log.child({ component: 'engine' }), apiKey, maxPhrases: config.ENGINE_MAX_PHRASES })
    const started = engine
    app.addHook('onClose', async () => { await started.close() })
    baseUrl = engine.url
    app.log.info({ upstream: baseUrl }, 'upstream: the embedded local engine (TEXT_API_URL is unset)')
  } else {
    const url = new URL(baseUrl)
    app.log.info({ upstream: url.origin + url.pathname }, 'upstream: the configured Text API')
  }

  let dispatcher = opts.dispatcher
  if (dispatcher === undefined) {
    const agent = createAgent({
      connections: config.UPSTREAM_CONCURRENCY,
      connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
      // Past the longest deadline, so it only ever catches a call that its request failed to cancel.
      stallTimeoutMs: config.REQUEST_TIMEOUT_MS + 1000,
      maxResponseBytes: config.UPSTREAM_MAX_RESPONSE_BYTES,
    })
    app.addHook('onClose', async () => { await agent.close() })
    dispatcher = agent
  }

  const client = new UpstreamClient({
    dispatcher,
    baseUrl,
    apiKey,
    semaphore: new Semaphore(config.UPSTREAM_CONCURRENCY, config.UPSTREAM_QUEUE_LIMIT),
    maxResponseBytes: config.UPSTREAM_MAX_RESPONSE_BYTES,
  })
  const guards = Object.fromEntries(partNames.map((part) => [part, new EndpointGuard(endpoints[part].path, {
    failureRatio: config.BREAKER_FAILURE_RATIO,
    minCalls: config.BREAKER_MIN_CALLS,
    windowMs: config.BREAKER_WINDOW_MS,
    halfOpenAfterMs: config.BREAKER_HALF_OPEN_AFTER_MS,
    retryBudgetRatio: config.UPSTREAM_RETRY_BUDGET_RATIO,
  })])) as Record<PartName, EndpointGuard>

  app.decorate('upstream', { client, guards, dispatcher, embedded, engine })
  app.decorate('analyzer', new Analyzer({
    client,
    guards,
    retry: { maxAttempts: config.UPSTREAM_MAX_ATTEMPTS, baseMs: config.UPSTREAM_RETRY_BASE_MS, capMs: Math.max(config.UPSTREAM_RETRY_BASE_MS, 2000) },
  }))
}, { name: 'upstream', dependencies: ['@fastify/env'] })
