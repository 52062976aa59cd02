// The analyzer over the upstream pieces, and the service's lifetime: what is still running near the end of a shutdown is cancelled.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Analyzer } from '../analyze/runner.js'
import { Scope } from '../analyze/scope.js'
import { Cancelled } from '../errors.js'
import { LimiterShare } from '../upstream/share.js'

declare module 'fastify' {
  interface FastifyInstance {
    analyzer: Analyzer
    /** Parent of every request's scope; cancelled (reason `shutdown`) shortly before the shutdown grace runs out. */
    lifetime: Scope
    /** The share of the upstream limiter that all batches on this replica take their permits from (BATCH_CONCURRENCY). */
    batchLimiter: LimiterShare
  }
}

/** Before the grace period ends, the time left for cancelled work to answer its clients. */
const SHUTDOWN_ANSWER_MS = 500

export default fp(async function analyzer (app: FastifyInstance) {
  const config = app.config
  const { client, guards, limiter, pauses } = app.upstream
  app.decorate('analyzer', new Analyzer({
    client,
    guards,
    limiter,
    pauses,
    retry: { maxAttempts: config.UPSTREAM_MAX_ATTEMPTS, baseMs: config.UPSTREAM_RETRY_BASE_MS, capMs: Math.max(config.UPSTREAM_RETRY_BASE_MS, 2000) },
    cache: app.cache,
    upstreamIdentity: app.upstreamTarget.identity,
  }))
  app.decorate('batchLimiter', app.upstream.limits.batch)
  const lifetime = new Scope(Number.POSITIVE_INFINITY, { label: 'service' })
  app.decorate('lifetime', lifetime)
  let timer: NodeJS.Timeout | undefined
  let closer: NodeJS.Timeout | undefined
  app.addHook('preClose', async () => {
    // In-flight requests get the grace period; what still runs near its end answers SHUTTING_DOWN, so
    // its clients hear why instead of a reset when the process exits.
    const cancelIn = Math.max(0, config.SHUTDOWN_GRACE_MS - SHUTDOWN_ANSWER_MS)
    timer = setTimeout(() => lifetime.cancel(new Cancelled('shutdown', 'the service is shutting down')), cancelIn)
    timer.unref()
    // Half-way through that last moment, a connection still open is one whose client does not read
    // (a stream or a batch stuck behind backpressure): it is closed, so that the close can end within
    // the grace and the process exit 0, not be killed at the grace's end.
    closer = setTimeout(() => app.server.closeAllConnections(), cancelIn + SHUTDOWN_ANSWER_MS / 2)
    closer.unref()
  })
  app.addHook('onClose', async () => {
    clearTimeout(timer)
    clearTimeout(closer)
    lifetime.dispose()
  })
}, { name: 'analyzer', dependencies: ['@fastify/env', 'upstream', 'cache'] })
