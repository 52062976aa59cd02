// The core's life on node:diagnostics_channel: metrics, tracing and logs subscribe; the core never knows who listens.
import { channel, tracingChannel } from 'node:diagnostics_channel'
import type { Channel, TracingChannel } from 'node:diagnostics_channel'
import type { PartName, PartOutcome } from './parts.js'

/**
 * One part of one request, traced as a TracingChannel (start, end, asyncStart, asyncEnd): `start` when
 * the part starts, `asyncEnd` when it has its outcome, in `result`. A part never rejects, so `error`
 * is only ever a bug. Subscribers of one app keep to their own events by `source`.
 */
export interface PartEvent {
  /** The analyzer that ran the part. */
  readonly source: object
  readonly part: PartName
  readonly requestId: string
  /** Set on asyncEnd. */
  result?: PartOutcome
  error?: unknown
}

/**
 * One upstream attempt of a part, traced around the call itself (the permit is already held): `start`
 * runs the call inside the channel's bound stores, so a tracer's context reaches the HTTP request.
 * `result` is the part's value, or `error` why the attempt failed (a PartFailure or a Cancelled).
 */
export interface AttemptEvent {
  readonly source: object
  readonly part: PartName
  /** The upstream endpoint's path segment. */
  readonly endpoint: string
  readonly requestId: string
  /** 1 for the first attempt. */
  readonly attempt: number
  /** performance.now() when the call started. */
  readonly startedAt: number
  result?: unknown
  error?: unknown
}

export type CircuitStateName = 'closed' | 'open' | 'half-open'

/** A circuit breaker changed state. */
export interface CircuitEvent {
  /** The guard whose circuit it is. */
  readonly source: object
  readonly endpoint: string
  readonly from: CircuitStateName
  readonly to: CircuitStateName
}

/** A request refused before any work, and why: the limiter's queue is full, its wait outlasts the deadline, the event loop lags. */
export interface ShedEvent {
  readonly reason: 'queue-full' | 'wait' | 'event-loop'
}

/** A request whose client left before its answer was complete: CLIENT_CLOSED, conventionally 499, never sent. */
export interface RequestClosedEvent {
  /** The app that was serving it. */
  readonly source: object
  /** The route's pattern, or `unmatched`. */
  readonly route: string
  /** The client's key name, when keys are on. */
  readonly client: string | undefined
  /** From the request's arrival to the client leaving. */
  readonly seconds: number
  /** 499 (CLIENT_CLOSED, never sent), or the status of the refusal Node's parser wrote instead (408). */
  readonly status: number
}

export const partChannel = tracingChannel<PartEvent>('text-bff:part')
export const attemptChannel = tracingChannel<AttemptEvent>('text-bff:attempt')
export const circuitChannel = channel('text-bff:circuit')
export const shedChannel = channel('text-bff:shed')
export const requestClosedChannel = channel('text-bff:request-closed')

/** Subscribes each handler to its channel; returns the undo, for the subscriber's onClose. */
export function subscribeAll (subscriptions: ReadonlyArray<readonly [Channel, (message: unknown) => void]>): () => void {
  for (const [ch, handler] of subscriptions) ch.subscribe(handler)
  return () => { for (const [ch, handler] of subscriptions) ch.unsubscribe(handler) }
}

/**
 * `fn(...args)` traced on `ch`: through tracePromise when anyone listens to the start or the end of the
 * call (a tracer binds its context there), and otherwise by publishing `asyncEnd` alone, from one side
 * reaction on the call's own promise. Metrics listen only to `asyncEnd`; tracePromise's closures, stores
 * and chained promises, six times a request, cost them 4 % of the CPU a request (CPU-bound bench).
 */
export function traceCall<C extends { result?: unknown, error?: unknown }, A extends unknown[], R> (
  ch: TracingChannel<unknown, C & object>, fn: (...args: A) => Promise<R>, context: C, thisArg: unknown, ...args: A): Promise<R> {
  if (ch.start.hasSubscribers || ch.end.hasSubscribers || ch.asyncStart.hasSubscribers || ch.error.hasSubscribers) {
    return ch.tracePromise(fn, context as C & object, thisArg, ...args)
  }
  const promise = fn.apply(thisArg, args)
  if (!ch.asyncEnd.hasSubscribers) return promise
  promise.then((result) => {
    context.result = result
    ch.asyncEnd.publish(context)
  }, (error: unknown) => {
    context.error = error
    ch.asyncEnd.publish(context)
  })
  return promise
}
