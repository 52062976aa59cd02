// Prometheus metrics on GET /metrics (prom-client): requests, per-part outcomes, permits, queue, circuits.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { partNames } from '../upstream/endpoints.js'

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const CIRCUIT = { closed: 0, 'half-open': 1, open: 2 } as const

export default fp(async function metrics (app: FastifyInstance) {
  if (!app.config.METRICS) return
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]

  const requests = new Counter({ name: 'text_bff_http_requests_total', help: 'HTTP requests answered, by route and status', labelNames: ['route', 'status'], registers })
  const requestSeconds = new Histogram({ name: 'text_bff_http_request_duration_seconds', help: 'Time to answer, by route', labelNames: ['route'], buckets: SECONDS, registers })
  const parts = new Counter({ name: 'text_bff_parts_total', help: 'Analysis parts computed, by part and outcome (ok or the error code)', labelNames: ['part', 'outcome'], registers })
  const retries = new Counter({ name: 'text_bff_upstream_retries_total', help: 'Upstream attempts beyond the first, by part', labelNames: ['part'], registers })

  const { client, guards } = app.upstream
  const sem = client.semaphore
  // Gauges are read when scraped, not updated per request.
  new Gauge({ name: 'text_bff_upstream_permits_in_use', help: 'Upstream calls in flight', registers, collect () { this.set(sem.inFlight) } })
  new Gauge({ name: 'text_bff_upstream_permits_limit', help: 'UPSTREAM_CONCURRENCY', registers, collect () { this.set(sem.limit) } })
  new Gauge({ name: 'text_bff_upstream_queue_waiting', help: 'Upstream calls waiting for a permit', registers, collect () { this.set(sem.waiting) } })
  new Gauge({
    name: 'text_bff_circuit_state', help: 'Circuit per part: 0 closed, 1 half-open, 2 open', labelNames: ['part'], registers,
    collect () { for (const p of partNames) this.set({ part: p }, CIRCUIT[guards[p].circuitState]) },
  })
  const engine = app.upstream.engine
  if (engine !== undefined) {
    new Gauge({ name: 'text_bff_engine_restarts', help: 'Times the embedded engine was restarted after dying', registers, collect () { this.set(engine.restarts) } })
  }

  // Each inc or observe hashes its labels (a few hundred ns), so the per-request set is kept small:
  // one counter and one histogram per request, one counter per part, retries only when they happen.
  // Measured under the CPU-bound benchmark; per-part duration histograms cost more than they told.
  const okParts = Object.fromEntries(partNames.map((p) => [p, parts.labels(p, 'ok')]))
  app.analyzer.onOutcome = (outcome) => {
    if (outcome.ok) okParts[outcome.part]!.inc()
    else parts.labels(outcome.part, outcome.failure.code).inc()
    if (outcome.attempts > 1) retries.labels(outcome.part).inc(outcome.attempts - 1)
  }
  const byRouteStatus = new Map<string, { count: ReturnType<typeof requests.labels>, seconds: ReturnType<typeof requestSeconds.labels> }>()
  // A callback hook: no promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    // Unmatched paths share one label, so scanners cannot grow the series without bound.
    const route = request.routeOptions.url ?? 'unmatched'
    const key = `${route} ${reply.statusCode}`
    let m = byRouteStatus.get(key)
    if (m === undefined) {
      m = { count: requests.labels(route, String(reply.statusCode)), seconds: requestSeconds.labels(route) }
      byRouteStatus.set(key, m)
    }
    m.count.inc()
    m.seconds.observe(reply.elapsedTime / 1000)
    done()
  })

  app.get('/metrics', async (_request, reply) => {
    reply.type(registry.contentType)
    return registry.metrics()
  })
}, { name: 'metrics', dependencies: ['@fastify/env', 'upstream'] })
