// At LOG_LEVEL debug or trace: what an operator needs to follow the core's decisions, from its diagnostics channels.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { attemptChannel, circuitChannel, shedChannel, subscribeAll } from '../events.js'
import type { AttemptEvent, CircuitEvent, ShedEvent } from '../events.js'
import type { EndpointGuard } from '../upstream/guard.js'

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

  // A retry: the attempt after a failed one (its failure was logged as it ended).
  const onAttemptStart = (message: unknown): void => {
    const event = message as AttemptEvent
    if (event.source !== source || event.attempt === 1) return
    log.debug({ requestId: event.requestId, part: event.part, endpoint: event.endpoint, attempt: event.attempt }, 'retrying upstream call')
  }
  const onAttemptEnd = (message: unknown): void => {
    const event = message as AttemptEvent
    if (event.source !== source || event.error === undefined) return
    const err = event.error as { code?: string, kind?: string, transient?: boolean, upstreamStatus?: number }
    log.debug({ requestId: event.requestId, part: event.part, endpoint: event.endpoint, attempt: event.attempt, code: err.code ?? err.kind, transient: err.transient, upstreamStatus: err.upstreamStatus, durationMs: Math.round((performance.now() - event.startedAt) * 10) / 10 }, 'upstream attempt failed')
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
  const unsubscribe = subscribeAll([[attemptChannel.start, onAttemptStart], [attemptChannel.asyncEnd, onAttemptEnd], [circuitChannel, onCircuit], [shedChannel, onShed]])
  app.addHook('onClose', async () => { unsubscribe() })
}, { name: 'debug-log', dependencies: ['upstream', 'analyzer'] })
