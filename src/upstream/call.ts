// One POST to the upstream through the shared dispatcher, cancellable, with a bounded response body.
import type { Dispatcher } from 'undici'
import type { Cancellation } from './cancellation.js'
import { UpstreamFailure, parseRetryAfter } from './failure.js'

export interface UpstreamResponse {
  status: number
  /** Lower-cased media type without parameters, '' when absent. */
  contentType: string
  /** From Retry-After, in ms, when present and valid. */
  retryAfterMs: number | undefined
  body: Buffer
}

export interface CallOptions {
  dispatcher: Dispatcher
  origin: string
  path: string
  headers: Record<string, string>
  body: string
  maxResponseBytes: number
  cancellation: Cancellation
}

/**
 * Sends the request and collects the whole response (status, content type, body). Rejects with an
 * UpstreamFailure for transport errors, an oversized body, or the cancellation's reason.
 *
 * Written on `dispatch` with a handler, not `request()`: the handler owns the one abort path, so a
 * cancellation needs no AbortSignal, no stream and no listener per call, and an oversized body is
 * cut off as soon as it passes the limit.
 */
export function callUpstream (opts: CallOptions): Promise<UpstreamResponse> {
  if (opts.cancellation.reason !== undefined) return Promise.reject(opts.cancellation.reason)
  return new Promise((resolve, reject) => {
    const handler = new CollectHandler(opts.maxResponseBytes, resolve, reject)
    handler.unregister = opts.cancellation.onCancel((reason) => handler.cancel(reason))
    opts.dispatcher.dispatch({
      origin: opts.origin,
      path: opts.path,
      method: 'POST',
      headers: opts.headers,
      body: opts.body,
    }, handler)
  })
}

class CollectHandler implements Dispatcher.DispatchHandler {
  unregister: (() => void) | undefined
  #maxBytes: number
  #resolve: (res: UpstreamResponse) => void
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

  constructor (maxBytes: number, resolve: (res: UpstreamResponse) => void, reject: (err: Error) => void) {
    this.#maxBytes = maxBytes
    this.#resolve = resolve
    this.#reject = reject
  }

  cancel (reason: Error): void {
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
    this.unregister?.()
    const body = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#size)
    this.#resolve({ status: this.#status, contentType: this.#contentType, retryAfterMs: this.#retryAfterMs, body })
  }

  onResponseError (_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.#settled) return
    this.#fail(transportFailure(err))
  }

  #tooLarge (controller: Dispatcher.DispatchController): void {
    const failure = new UpstreamFailure('UPSTREAM_BAD_RESPONSE',
      `upstream response body exceeds ${this.#maxBytes} bytes`, { upstreamStatus: this.#status })
    this.#fail(failure)
    controller.abort(failure)
  }

  #fail (err: Error): void {
    if (this.#settled) return
    this.#settled = true
    this.#chunks = []
    this.unregister?.()
    this.#reject(err)
  }
}

/** Maps undici's transport errors onto stable codes; the message never includes headers (the key). */
function transportFailure (err: Error): UpstreamFailure {
  if (err instanceof UpstreamFailure) return err
  const code = (err as { code?: string }).code ?? ''
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new UpstreamFailure('UPSTREAM_BAD_RESPONSE', 'upstream response body exceeds the configured maximum size', { cause: err })
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new UpstreamFailure('UPSTREAM_TIMEOUT', `upstream timed out (${code})`, { cause: err })
  }
  return new UpstreamFailure('UPSTREAM_UNAVAILABLE', `upstream connection failed (${code || err.name})`, { cause: err })
}
