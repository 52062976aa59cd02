// Spans from the core's events: one per part of a request, one per upstream attempt, each active while its work runs.
import type { AsyncLocalStorage } from 'node:async_hooks'
import type { Channel } from 'node:diagnostics_channel'
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api'
import { attemptFailure } from '../errors.js'
import type { PartFailure } from '../errors.js'
import { attemptChannel, partChannel } from '../events.js'
import type { AttemptEvent, PartEvent } from '../events.js'

/** The service's span attributes, named once (the README's Tracing section lists them). */
export const attr = {
  part: 'text_bff.part',
  endpoint: 'text_bff.endpoint',
  requestId: 'text_bff.request_id',
  attempt: 'text_bff.attempt',
  attempts: 'text_bff.attempts',
  /** `ok`, or the error code (UPSTREAM_ERROR, UPSTREAM_TIMEOUT, …). */
  outcome: 'text_bff.outcome',
  /** hit, miss, stale, collapsed, bypass; absent with CACHE=false. */
  cache: 'text_bff.cache',
  /** The part joined a call another request had in flight: its attempts are in that request's trace. */
  coalesced: 'text_bff.coalesced',
  upstreamStatus: 'text_bff.upstream_status',
  retryAfterMs: 'text_bff.retry_after_ms',
  /** The attempt's failure is worth another attempt (the part retries it if time and budget allow). */
  retryable: 'text_bff.retryable',
} as const

/** What a bug (a rejection that is no expected failure) reads as: the code the service answers it with. */
const INTERNAL = 'INTERNAL_ERROR'

export interface EventSpans {
  /** Analyzers whose events are traced (a process may run several apps; each adds its own). */
  readonly sources: Set<object>
  /** Stops tracing the events. */
  close (): void
}

/**
 * Binds `storage` (the global context manager's) to the start of the part and attempt channels: the
 * transform starts the span as a child of the context active at the publish, and returns the context
 * with it, which diagnostics_channel makes active for the traced work. So a part's span is the child of
 * the request's, an attempt's the child of its part's, and undici's client span the child of the attempt.
 *
 * Coalescing: the shared call runs in the context of the request that started it (the flight is started
 * inside that request's part), so every attempt span is in that request's trace, under its part, even
 * when other requests joined; a part that joined has no attempt children and says
 * `text_bff.coalesced=true`. Should the starting request leave first, the flight's later attempts still
 * belong to its (ended) part span: a late child, never a crash or another request's parent.
 *
 * Spans wait for their end in a WeakMap keyed by the event object: if a traced call threw synchronously
 * (a bug: no asyncEnd follows), its span is never ended nor exported, and nothing is kept alive.
 */
export function traceEvents (storage: AsyncLocalStorage<Context>, tracer: Tracer): EventSpans {
  const sources = new Set<object>()
  const open = new WeakMap<object, Span>()

  const startPart = (event: PartEvent): Context => {
    const parent = storage.getStore() ?? ROOT_CONTEXT
    if (!sources.has(event.source)) return parent
    const span = tracer.startSpan(`part ${event.part}`, {
      kind: SpanKind.INTERNAL,
      attributes: { [attr.part]: event.part, [attr.requestId]: event.requestId },
    }, parent)
    open.set(event, span)
    return trace.setSpan(parent, span)
  }

  const endPart = (message: unknown): void => {
    const event = message as PartEvent
    const span = open.get(event)
    if (span === undefined) return
    open.delete(event)
    const outcome = event.result
    if (outcome === undefined) {
      // A part never rejects for an expected failure; this one is answered as a 500.
      span.setAttribute(attr.outcome, INTERNAL)
      span.setStatus({ code: SpanStatusCode.ERROR, message: INTERNAL })
    } else {
      const attributes: Attributes = {
        [attr.outcome]: outcome.ok ? 'ok' : outcome.failure.code,
        [attr.attempts]: outcome.attempts,
        [attr.coalesced]: outcome.cache === 'collapsed',
      }
      if (outcome.cache !== undefined) attributes[attr.cache] = outcome.cache
      if (!outcome.ok) failureAttributes(outcome.failure, attributes)
      span.setAttributes(attributes)
      if (!outcome.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.failure.code })
    }
    span.end()
  }

  const startAttempt = (event: AttemptEvent): Context => {
    const parent = storage.getStore() ?? ROOT_CONTEXT
    if (!sources.has(event.source)) return parent
    const span = tracer.startSpan(`attempt ${event.endpoint}`, {
      kind: SpanKind.INTERNAL,
      attributes: {
        [attr.part]: event.part,
        [attr.endpoint]: event.endpoint,
        [attr.attempt]: event.attempt,
        // The request that started the call: with coalescing, possibly one of several it serves.
        [attr.requestId]: event.requestId,
      },
    }, parent)
    open.set(event, span)
    return trace.setSpan(parent, span)
  }

  const endAttempt = (message: unknown): void => {
    const event = message as AttemptEvent
    const span = open.get(event)
    if (span === undefined) return
    open.delete(event)
    if (event.error === undefined) {
      span.setAttribute(attr.outcome, 'ok')
    } else {
      // What the attempt's failure reads as (run-part.ts maps a cancellation during the call the same way).
      const failure = attemptFailure(event.error)
      const code = failure?.code ?? INTERNAL
      const attributes: Attributes = { [attr.outcome]: code }
      if (failure !== undefined) {
        failureAttributes(failure, attributes)
        attributes[attr.retryable] = failure.transient
      }
      span.setAttributes(attributes)
      span.setStatus({ code: SpanStatusCode.ERROR, message: code })
    }
    span.end()
  }

  // events.ts types each channel's store as its event; a tracer binds a store of its own type.
  const partStart = partChannel.start as unknown as Channel<Context, PartEvent>
  const attemptStart = attemptChannel.start as unknown as Channel<Context, AttemptEvent>
  partStart.bindStore(storage, startPart)
  partChannel.asyncEnd.subscribe(endPart)
  attemptStart.bindStore(storage, startAttempt)
  attemptChannel.asyncEnd.subscribe(endAttempt)
  return {
    sources,
    close () {
      partStart.unbindStore(storage)
      partChannel.asyncEnd.unsubscribe(endPart)
      attemptStart.unbindStore(storage)
      attemptChannel.asyncEnd.unsubscribe(endAttempt)
      sources.clear()
    },
  }
}

/**
 * Only codes and numbers go on spans, never a failure's message: messages may name upstream details
 * (never the key, but spans leave the process), and the code says what an operator needs.
 */
function failureAttributes (failure: PartFailure, attributes: Attributes): void {
  if (failure.upstreamStatus !== undefined) attributes[attr.upstreamStatus] = failure.upstreamStatus
  if (failure.retryAfterMs !== undefined) attributes[attr.retryAfterMs] = Math.round(failure.retryAfterMs)
}
