// The upstream client: a permit from the shared semaphore, one call, the permit back, the answer checked.
import type { Dispatcher } from 'undici'
import type { Cancellation } from './cancellation.js'
import { callUpstream } from './call.js'
import type { UpstreamResponse } from './call.js'
import { endpoints } from './endpoints.js'
import type { PartName, PartValues } from './endpoints.js'
import { interpret } from './interpret.js'
import type { Permit, Semaphore } from './semaphore.js'

export interface UpstreamClientOptions {
  dispatcher: Dispatcher
  /** Base URL, e.g. https://app.thetextapi.com/text (a trailing slash is fine). */
  baseUrl: string
  apiKey: string
  semaphore: Semaphore
  maxResponseBytes: number
}

/** The request's deadline scope, as a call needs it. */
export interface Deadline extends Cancellation {
  /** ms left until the deadline. */
  remainingMs (): number
}

/** One per part of a request, reused across its attempts. */
export interface CallContext {
  deadline: Deadline
  requestId: string
  /** Set when the call holds a permit and is on the wire; the caller resets it before each attempt. */
  calling: boolean
}

export class UpstreamClient {
  readonly semaphore: Semaphore
  #dispatcher: Dispatcher
  #origin: string
  #paths: { readonly [P in PartName]: string }
  #apiKey: string
  #maxResponseBytes: number
  #interpreters: { readonly [P in PartName]: (res: UpstreamResponse) => PartValues[P] }
  /** Smoothed time a permit is held, in ms: the basis of the admission estimate. */
  #holdMs = 0
  #holdSamples = 0

  constructor (opts: UpstreamClientOptions) {
    let url: URL
    try {
      url = new URL(opts.baseUrl)
    } catch {
      throw new TypeError(`upstream baseUrl is not a URL: ${JSON.stringify(opts.baseUrl)}`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`upstream baseUrl must be http(s), got ${url.protocol}`)
    const base = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`
    this.#dispatcher = opts.dispatcher
    this.#origin = url.origin
    this.#paths = {
      summary: base + endpoints.summary.path,
      entities: base + endpoints.entities.path,
      mostCommonPhrases: base + endpoints.mostCommonPhrases.path,
    }
    this.#apiKey = opts.apiKey
    this.semaphore = opts.semaphore
    this.#maxResponseBytes = opts.maxResponseBytes
    this.#interpreters = {
      summary: (res) => interpret(endpoints.summary, res),
      entities: (res) => interpret(endpoints.entities, res),
      mostCommonPhrases: (res) => interpret(endpoints.mostCommonPhrases, res),
    }
  }

  get origin (): string { return this.#origin }

  /** Smoothed permit hold time (ms) and how many calls it is based on. */
  get holdStats (): { ms: number, samples: number } {
    return { ms: this.#holdMs, samples: this.#holdSamples }
  }

  /**
   * Calls one endpoint. `body` is the JSON request body, serialised once per request and shared by its
   * calls. A cancellation while waiting for the permit or during the call rejects with its reason, and
   * the permit is released exactly once on every path. Not async: an in-flight call is the one promise
   * of its handler (see callUpstream).
   */
  call<P extends PartName> (part: P, body: string, ctx: CallContext): Promise<PartValues[P]> {
    const permit = this.semaphore.tryAcquire()
    if (permit !== undefined) return this.#send(part, body, ctx, permit)
    return this.semaphore.acquire(ctx.deadline).then((granted) => this.#send(part, body, ctx, granted))
  }

  #send<P extends PartName> (part: P, body: string, ctx: CallContext, permit: Permit): Promise<PartValues[P]> {
    ctx.calling = true
    const startedAt = performance.now()
    return callUpstream({
      dispatcher: this.#dispatcher,
      origin: this.#origin,
      path: this.#paths[part],
      headers: {
        'content-type': 'application/json',
        apikey: this.#apiKey,
        'x-request-id': ctx.requestId,
        'request-timeout-ms': String(Math.floor(ctx.deadline.remainingMs())),
      },
      body,
      maxResponseBytes: this.#maxResponseBytes,
      cancellation: ctx.deadline,
      interpret: this.#interpreters[part],
      settled: () => {
        permit.release()
        this.#recordHold(performance.now() - startedAt)
      },
    })
  }

  #recordHold (ms: number): void {
    this.#holdSamples++
    // An EWMA with a short memory (alpha 0.1): it follows the upstream's latency within tens of calls.
    this.#holdMs = this.#holdSamples === 1 ? ms : this.#holdMs + 0.1 * (ms - this.#holdMs)
  }
}
