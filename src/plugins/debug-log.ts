// At LOG_LEVEL debug or trace: what an operator needs to follow the core's decisions, from its diagnostics channels.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { attemptChannel, circuitChannel, shedChannel, subscribeAll } from '../events.js'
import type { AttemptEvent, CircuitEvent, ShedEvent } from '../events.js'
import type { EndpointGuard } from '../upstream/guard.js'
import { attemptOutcome } from '../errors.js'

const DEBUG = new Set(['debug', 'trace'])

/**
 * Subscribes only when debug lines would be written, so at info the core's channels keep their
 * subscribers (metrics, tracing) and nothing is built for a line nobody reads.
 */
export default fp(async function debugLog (app: FastifyInstance) {
  if (!DEBUG.has(app.log.level)) return
  const log = app.log
  const source = app.analyzer
  const ownGuards = new Set<object>(Object.values(app.upstream.guards) as EndpointGuard[])

  // Only attempts' ends: binding the channel's start is the tracer's (a subscriber there costs every call).
  const onAttemptEnd = (message: unknown): void => {
    const event = message as AttemptEvent
    if (event.source !== source) return
    const durationMs = Math.round((performance.now() - event.startedAt) * 10) / 10
    const err = event.error as { transient?: boolean, upstreamStatus?: number } | undefined
    const line = { requestId: event.requestId, part: event.part, endpoint: event.endpoint, attempt: event.attempt, durationMs }
    const outcome = attemptOutcome(err)
    // A retry: any attempt after the first, whatever came of it.
    if (event.attempt > 1) log.debug({ ...line, outcome }, 'retried upstream call')
    if (err !== undefined) log.debug({ ...line, code: outcome, transient: err.transient, upstreamStatus: err.upstreamStatus }, 'upstream attempt failed')
  }
  const onCircuit = (message: unknown): void => {
    const event = message as CircuitEvent
    if (!ownGuards.has(event.source)) return
    log.debug({ endpoint: event.endpoint, from: event.from, to: event.to }, `circuit ${event.to}`)
  }
  // Admission's refusals (the limiter's queue, its wait, the event loop); sheds carry no source.
  const onShed = (message: unknown): void => {
    log.debug({ reason: (message as ShedEvent).reason }, 'admission refused a request')
  }
  const unsubscribe = subscribeAll([[attemptChannel.asyncEnd, onAttemptEnd], [circuitChannel, onCircuit], [shedChannel, onShed]])
  app.addHook('onClose', async () => { unsubscribe() })
}, { name: 'debug-log', dependencies: ['upstream', 'analyzer'] })
