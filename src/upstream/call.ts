// One POST to the upstream through the shared dispatcher, cancellable, with a bounded response body.
import type { Dispatcher } from 'undici'
import { Cancelled, PartFailure } from '../errors.js'
import type { CancelListener, Cancellation } from './cancellation.js'
import type { PermitOutcome } from './limiter.js'

export interface UpstreamResponse {
  status: number
  /** Lower-cased media type without parameters, '' when absent. */
  contentType: string
  /** From Retry-After, in ms, when present and valid. */
  retryAfterMs: number | undefined
  body: Buffer
}

export interface CallOptions<T> {
  dispatcher: Dispatcher
  origin: string
  path: string
  headers: Record<string, string>
  body: string
  maxResponseBytes: number
  cancellation: Cancellation
  /** Turns the complete response into the call's value (or throws); runs after `settled`. */
  interpret: (res: UpstreamResponse) => T
  /** Runs exactly once when the call ends, however it ends, with what it says of the upstream (e.g. releases a permit). */
  settled: (outcome: PermitOutcome) => void
}

/**
 * Sends the request, collects the whole response and resolves with `interpret(response)`. Rejects with
 * a PartFailure for transport errors or an oversized body, with the cancellation's reason (a
 * Cancelled), or with what `interpret` throws.
 *
 * Written on `dispatch` with a handler, not `request()`: the handler owns the one abort path, so a
 * cancellation needs no AbortSignal, no stream and no listener per call, and an oversized body is
 * cut off as soon as it passes the limit. The handler also ends the call (`settled`, `interpret`),
 * so an in-flight call is one promise and one handler: under load, what each call keeps alive is
 * young-generation GC work.
 */
export function callUpstream<T> (opts: CallOptions<T>): Promise<T> {
  if (opts.cancellation.reason !== undefined) {
    opts.settled('dropped')
    return Promise.reject(opts.cancellation.reason)
  }
  return new Promise((resolve, reject) => {
    const handler = new CollectHandler(opts, resolve, reject)
    opts.cancellation.addListener(handler)
    try {
      opts.dispatcher.dispatch({
        origin: opts.origin,
        path: opts.path,
        method: 'POST',
        headers: opts.headers,
        body: opts.body,
      }, handler)
    } catch (err) {
      // undici rejects bad options synchronously; the call still ends through the one path.
      handler.refused(err as Error)
    }
  })
}

class CollectHandler<T> implements Dispatcher.DispatchHandler, CancelListener {
  #cancellation: Cancellation
  #maxBytes: number
  #interpret: (res: UpstreamResponse) => T
  #settledHook: (outcome: PermitOutcome) => void
  #resolve: (value: T) => void
  #reject: (err: Error) => void
  #controller: Dispatcher.DispatchController | undefined
  #settled = false
  /** A cancellation that arrived before undici handed us the controller. */
  #pendingAbort: Error | undefined
  #status = 0
  #contentType = ''
  #retryAfterMs: number | undefined
  #chunks: Buffer[] = []
  #size = 0

  constructor (opts: CallOptions<T>, resolve: (value: T) => void, reject: (err: Error) => void) {
    this.#cancellation = opts.cancellation
    this.#maxBytes = opts.maxResponseBytes
    this.#interpret = opts.interpret
    this.#settledHook = opts.settled
    this.#resolve = resolve
    this.#reject = reject
  }

  /** The cancellation's reason: the call ends with it, and the request is aborted. */
  cancelled (reason: Cancelled): void {
    this.refused(reason)
  }

  /** Ends the call with `reason` and aborts the request (also for undici's synchronous refusal). */
  refused (reason: Error): void {
    if (this.#settled) return
    this.#fail(reason)
    if (this.#controller === undefined) this.#pendingAbort = reason
    else this.#controller.abort(reason)
  }

  onRequestStart (controller: Dispatcher.DispatchController): void {
    this.#controller = controller
    if (this.#pendingAbort !== undefined) controller.abort(this.#pendingAbort)
  }

  onResponseStart (controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.#status = statusCode
    const type = headers['content-type']
    if (typeof type === 'string') {
      const semi = type.indexOf(';')
      this.#contentType = (semi === -1 ? type : type.slice(0, semi)).trim().toLowerCase()
    }
    if (statusCode === 429 || statusCode === 503) this.#retryAfterMs = parseRetryAfter(headers['retry-after'])
    const length = Number(headers['content-length'])
    if (length > this.#maxBytes) this.#tooLarge(controller)
  }

  onResponseData (controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return
    this.#size += chunk.length
    if (this.#size > this.#maxBytes) return this.#tooLarge(controller)
    this.#chunks.push(chunk)
  }

  onResponseEnd (): void {
    if (this.#settled) return
    this.#settled = true
    this.#cancellation.removeListener(this)
    const status = this.#status
    this.#settledHook(status < 300 ? 'ok' : status === 429 || status === 503 ? 'overload' : 'failed')
    const body = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#size)
    try {
      this.#resolve(this.#interpret({ status: this.#status, contentType: this.#contentType, retryAfterMs: this.#retryAfterMs, body }))
    } catch (err) {
      this.#reject(err as Error)
    }
  }

  onResponseError (_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.#settled) return
    this.#fail(transportFailure(err))
  }

  #tooLarge (controller: Dispatcher.DispatchController): void {
    const failure = new PartFailure('UPSTREAM_BAD_RESPONSE',
      `upstream response body exceeds ${this.#maxBytes} bytes`, { upstreamStatus: this.#status })
    this.#fail(failure)
    controller.abort(failure)
  }

  #fail (err: Error): void {
    if (this.#settled) return
    this.#settled = true
    this.#chunks = []
    this.#cancellation.removeListener(this)
    this.#settledHook(permitOutcome(err))
    this.#reject(err)
  }
}

/**
 * What a call that ended in `err` says about the upstream's load: the service's own deadline passing is
 * overload; a caller leaving, or a shorter deadline its client chose passing, says nothing.
 */
function permitOutcome (err: Error): PermitOutcome {
  if (err instanceof Cancelled) return err.kind === 'deadline' && !err.byClient ? 'overload' : 'dropped'
  return err instanceof PartFailure && err.code === 'UPSTREAM_TIMEOUT' ? 'overload' : 'failed'
}

/** Maps undici's transport errors onto stable codes; the message never includes headers (the key). */
function transportFailure (err: Error): PartFailure {
  if (err instanceof PartFailure) return err
  const code = (err as { code?: string }).code ?? ''
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new PartFailure('UPSTREAM_BAD_RESPONSE', 'upstream response body exceeds the configured maximum size', { cause: err })
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new PartFailure('UPSTREAM_TIMEOUT', `upstream timed out (${code})`, { cause: err })
  }
  return new PartFailure('UPSTREAM_UNAVAILABLE', `upstream connection failed (${code || err.name})`, { cause: err })
}

/** Parses a Retry-After header (delta-seconds or HTTP date) into ms from now; undefined if absent or unusable. */
export function parseRetryAfter (value: string | string[] | undefined, now = Date.now()): number | undefined {
  if (Array.isArray(value)) value = value[0]
  if (value === undefined || value === '') return undefined
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
