// Prometheus metrics on GET /metrics (prom-client), fed by the core's events: requests, parts, attempts, circuits, permits.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import type { Agent, Pool } from 'undici'
import { attemptChannel, circuitChannel, partChannel, requestClosedChannel, shedChannel, subscribeAll } from '../events.js'
import type { AttemptEvent, CircuitEvent, PartEvent, RequestClosedEvent, ShedEvent } from '../events.js'
import { endpoints } from '../upstream/endpoints.js'
import { partNames } from '../parts.js'
import type { PartName } from '../parts.js'
import type { EndpointGuard } from '../upstream/guard.js'
import { identify, presentedKey } from '../clients/keys.js'
import { attemptOutcome, ServiceError } from '../errors.js'
import { TalliedHistogram } from './tally.js'
import { problemFor } from '../schemas.js'
import { routeLabel } from './problems.js'
import type { HistogramTally } from './tally.js'

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const CIRCUIT = { closed: 0, 'half-open': 1, open: 2 } as const

/* eslint-disable no-new -- prom-client metrics register themselves with the registry named in `registers` */
export default fp(async function metrics (app: FastifyInstance) {
  if (!app.config.METRICS) return
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]

  const { guards } = app.upstream
  // The request path only adds to plain numbers (see tally.ts); the counters are filled in when scraped.
  const byRoute = new Map<string, Map<number, { n: number, seconds: HistogramTally }>>()
  const byPart = Object.fromEntries(partNames.map((p) => [p, { ok: 0, failed: new Map<string, number>(), retries: 0, cache: new Map<string, number>() }])) as
    Record<PartName, { ok: number, failed: Map<string, number>, retries: number, cache: Map<string, number> }>
  const transitions = new Map<string, number>()

  new Counter({
    name: 'text_bff_http_requests_total',
    help: 'HTTP requests answered, by route and status',
    labelNames: ['route', 'status'],
    registers,
    collect () {
      this.reset()
      for (const [route, statuses] of byRoute) for (const [status, { n }] of statuses) this.inc({ route, status: String(status) }, n)
    },
  })
  const requestSeconds = new TalliedHistogram({ name: 'text_bff_http_request_duration_seconds', help: 'Time to answer, by route and status', labelNames: ['route', 'status'] as const, buckets: SECONDS, registers })
  const attemptSeconds = new TalliedHistogram({ name: 'text_bff_upstream_attempt_duration_seconds', help: 'Upstream calls, by endpoint and outcome (ok or the error code)', labelNames: ['endpoint', 'outcome'] as const, buckets: SECONDS, registers })
  const sheds = new Map<string, number>()
  new Counter({
    name: 'text_bff_shed_total',
    help: 'Requests refused before any work, by reason: queue-full, wait (the queue would outlast the deadline), event-loop',
    labelNames: ['reason'],
    registers,
    collect () {
      this.reset()
      for (const [reason, n] of sheds) this.inc({ reason }, n)
    },
  })
  new Counter({
    name: 'text_bff_parts_total',
    help: 'Analysis parts computed, by part and outcome (ok or the error code)',
    labelNames: ['part', 'outcome'],
    registers,
    collect () {
      this.reset()
      for (const part of partNames) {
        const s = byPart[part]
        if (s.ok > 0) this.inc({ part, outcome: 'ok' }, s.ok)
        for (const [outcome, n] of s.failed) this.inc({ part, outcome }, n)
      }
    },
  })
  new Counter({
    name: 'text_bff_upstream_retries_total',
    help: 'Upstream attempts beyond the first, by part',
    labelNames: ['part'],
    registers,
    collect () {
      this.reset()
      for (const part of partNames) if (byPart[part].retries > 0) this.inc({ part }, byPart[part].retries)
    },
  })
  new Counter({
    name: 'text_bff_upstream_retry_budget_refusals_total',
    help: 'Retries not made because the endpoint\'s retry budget was spent, by part',
    labelNames: ['part'],
    registers,
    collect () {
      this.reset()
      for (const part of partNames) if (guards[part].retryBudget.refused > 0) this.inc({ part }, guards[part].retryBudget.refused)
    },
  })
  new Counter({
    name: 'text_bff_circuit_transitions_total',
    help: 'Circuit breaker state changes, by endpoint and new state',
    labelNames: ['endpoint', 'to'],
    registers,
    collect () {
      this.reset()
      for (const [key, n] of transitions) {
        const [endpoint, to] = key.split(' ') as [string, string]
        this.inc({ endpoint, to }, n)
      }
    },
  })

  const limiter = app.analyzer.limiter
  // Gauges are read when scraped, not updated per request.
  new Gauge({ name: 'text_bff_upstream_permits_in_use', help: 'Upstream calls in flight', registers, collect () { this.set(limiter.stats().inUse) } })
  const configured = app.upstream.concurrency
  new Gauge({ name: 'text_bff_upstream_permits_limit', help: 'UPSTREAM_CONCURRENCY: upstream calls allowed in flight (across the cluster with Redis; the adaptive ceiling is text_bff_upstream_adaptive_limit)', registers, collect () { this.set(configured) } })
  new Gauge({ name: 'text_bff_upstream_queue_waiting', help: 'Upstream calls waiting for a permit', registers, collect () { this.set(limiter.stats().waiting) } })
  new Gauge({
    name: 'text_bff_circuit_state',
    help: 'Circuit per part: 0 closed, 1 half-open, 2 open',
    labelNames: ['part'],
    registers,
    collect () { for (const p of partNames) this.set({ part: p }, CIRCUIT[guards[p].circuitState]) },
  })
  new Counter({
    name: 'text_bff_cache_parts_total',
    help: 'Parts by how the cache served them: hit, miss, stale, collapsed (joined a call in flight), bypass',
    labelNames: ['part', 'status'],
    registers,
    collect () {
      this.reset()
      for (const part of partNames) for (const [status, n] of byPart[part].cache) this.inc({ part, status }, n)
    },
  })
  const { adaptive, shared } = app.upstream.limits
  if (adaptive !== undefined) {
    new Gauge({ name: 'text_bff_upstream_adaptive_limit', help: 'This replica\'s adaptive ceiling on upstream calls in flight (AIMD)', registers, collect () { this.set(adaptive.ceiling) } })
  }
  if (shared !== undefined) {
    new Gauge({ name: 'text_bff_upstream_limiter_fallback', help: '1 while this replica works from its local share because Redis is down', registers, collect () { this.set(shared.fallingBack ? 1 : 0) } })
    new Counter({ name: 'text_bff_upstream_leases_lost_total', help: 'Permit leases found gone while still held (Redis lost them, or the replica stalled past the lease), and registered again', registers, collect () { this.reset(); this.inc(shared.lostLeases) } })
  }
  const cache = app.cache
  if (cache !== undefined) {
    new Gauge({ name: 'text_bff_cache_memory_bytes', help: 'Bytes held by the in-memory cache tier (estimated size of the values)', registers, collect () { this.set(cache.memoryBytes) } })
  }
  const fetcher = app.analyzer.fetcher
  new Gauge({ name: 'text_bff_flights_in_progress', help: 'Distinct part calls in flight, each shared by every request waiting on it', registers, collect () { this.set(fetcher.inFlight) } })
  const redis = app.redis
  if (redis !== undefined) {
    new Gauge({ name: 'text_bff_redis_up', help: '1 while Redis is connected and answering; 0 while the connection is lost, or after its commands kept failing until a probe is answered', registers, collect () { this.set(redis.up ? 1 : 0) } })
    new Counter({ name: 'text_bff_redis_errors_total', help: 'Redis commands that failed or timed out (the service went on without them)', registers, collect () { this.reset(); this.inc(redis.errors) } })
  }
  const dispatcher = app.upstream.dispatcher as Partial<Agent>
  if (dispatcher.stats !== undefined) {
    new Gauge({
      name: 'text_bff_upstream_connections',
      help: 'The upstream Agent\'s sockets and requests: connected, free (idle), running, pending (waiting for a socket)',
      labelNames: ['state'],
      registers,
      collect () {
        const totals = { connected: 0, free: 0, running: 0, pending: 0 }
        for (const s of Object.values(dispatcher.stats as Record<string, Pool.PoolStats>)) {
          totals.connected += s.connected
          totals.free += s.free
          totals.running += s.running
          totals.pending += s.pending
        }
        for (const [state, n] of Object.entries(totals)) this.set({ state }, n)
      },
    })
  }
  const engine = app.engine
  if (engine !== undefined) {
    new Counter({ name: 'text_bff_engine_restarts_total', help: 'Times the embedded engine was restarted after dying', registers, collect () { this.reset(); this.inc(engine.restarts) } })
  }

  // The core's events: this app's only (tests run several apps in one process).
  const source = app.analyzer
  const onPart = (message: unknown): void => {
    const event = message as PartEvent
    const outcome = event.result
    if (event.source !== source || outcome === undefined) return
    const s = byPart[outcome.part]
    if (outcome.ok) s.ok++
    else s.failed.set(outcome.failure.code, (s.failed.get(outcome.failure.code) ?? 0) + 1)
    if (outcome.attempts > 1) s.retries += outcome.attempts - 1
    if (outcome.cache !== undefined) s.cache.set(outcome.cache, (s.cache.get(outcome.cache) ?? 0) + 1)
  }
  const ownGuards = new Set(Object.values(guards))
  const onCircuit = (message: unknown): void => {
    const event = message as CircuitEvent
    if (!ownGuards.has(event.source as EndpointGuard)) return
    const key = `${event.endpoint} ${event.to}`
    transitions.set(key, (transitions.get(key) ?? 0) + 1)
  }
  // Tallies per endpoint and outcome, kept once found: an attempt costs a map lookup and an addition.
  const attemptTallies = new Map<string, HistogramTally>()
  const onAttempt = (message: unknown): void => {
    const event = message as AttemptEvent
    if (event.source !== source) return
    const outcome = attemptOutcome(event.error)
    const key = `${event.endpoint} ${outcome}`
    let tally = attemptTallies.get(key)
    if (tally === undefined) {
      tally = attemptSeconds.tally(event.endpoint, outcome)
      attemptTallies.set(key, tally)
    }
    tally.observe((performance.now() - event.startedAt) / 1000)
  }
  const onShed = (message: unknown): void => {
    const { reason } = message as ShedEvent
    sheds.set(reason, (sheds.get(reason) ?? 0) + 1)
  }
  // Every endpoint's series exist from the start, so dashboards and alerts have something to read.
  for (const part of partNames) attemptSeconds.tally(endpoints[part].path, 'ok')

  // Per client (its key's name, `anonymous` with keys off): bounded by the keys configured, never the key.
  const byClient = new Map<string, Map<number, number>>()
  new Counter({
    name: 'text_bff_client_requests_total',
    help: 'Requests of client routes, by client (key name, or anonymous) and status',
    labelNames: ['client', 'status'],
    registers,
    collect () {
      this.reset()
      for (const [client, statuses] of byClient) for (const [status, n] of statuses) this.inc({ client, status: String(status) }, n)
    },
  })

  const count = (route: string, status: number, seconds: number, client: string | undefined): void => {
    if (client !== undefined) {
      let statuses = byClient.get(client)
      if (statuses === undefined) byClient.set(client, statuses = new Map())
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
    }
    let statuses = byRoute.get(route)
    if (statuses === undefined) {
      statuses = new Map()
      byRoute.set(route, statuses)
    }
    let r = statuses.get(status)
    if (r === undefined) {
      r = { n: 0, seconds: requestSeconds.tally(route, String(status)) }
      statuses.set(status, r)
    }
    r.n++
    r.seconds.observe(seconds)
  }
  // A callback hook: no promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    count(routeLabel(request), reply.statusCode, reply.elapsedTime / 1000, request.client?.name)
    done()
  })
  // A client that left is counted once, as CLIENT_CLOSED's 499 (src/plugins/client-closed.ts).
  const onClosed = (message: unknown): void => {
    const event = message as RequestClosedEvent
    if (event.source === app) count(event.route, event.status, event.seconds, event.client)
  }
  // Sheds carry no source: with several apps in one process (tests) each counts them all.
  const unsubscribe = subscribeAll([[partChannel.asyncEnd, onPart], [attemptChannel.asyncEnd, onAttempt], [circuitChannel, onCircuit], [shedChannel, onShed], [requestClosedChannel, onClosed]])
  app.addHook('onClose', async () => { unsubscribe() })

  // METRICS_KEY: the metrics behind a key of their own (sha256 hex, as the client keys).
  const metricsKey = app.config.METRICS_KEY === '' ? undefined : [{ name: 'metrics', digest: Buffer.from(app.config.METRICS_KEY, 'hex') }]
  app.get('/metrics', {
    // Scraped under pressure too: the lag is exactly what an operator wants to see.
    config: { pressureHandler: () => {} },
    onRequest: async (request, reply) => {
      if (metricsKey === undefined) return
      const presented = presentedKey(request.headers)
      if (presented !== undefined && identify(metricsKey, presented) !== undefined) return
      reply.header('www-authenticate', 'Bearer realm="text-bff metrics"')
      throw new ServiceError('UNAUTHORIZED', 'GET /metrics requires the metrics key (METRICS_KEY): send Authorization: Bearer <key>')
    },
    schema: {
      summary: 'Prometheus metrics',
      description: 'Every series the service exports, in the Prometheus text format (METRICS=false turns it off).',
      tags: ['health'],
      ...(metricsKey === undefined ? {} : { security: [{ bearer: [] }, { apiKey: [] }] }),
      response: {
        200: { description: 'Prometheus text exposition', content: { 'text/plain': { schema: { type: 'string' } } } },
        ...(metricsKey === undefined ? {} : { 401: problemFor(401, 'METRICS_KEY is set and the request carried no key, or another one') }),
      },
    },
  }, async (_request, reply) => {
    reply.type(registry.contentType)
    return registry.metrics()
  })
}, { name: 'metrics', dependencies: ['@fastify/env', 'problems', 'client-closed', 'upstream', 'analyzer', 'cache', 'redis'] })
