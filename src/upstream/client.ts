// The upstream client: a permit from the shared semaphore, one call, the permit back, the answer checked.
import type { Dispatcher } from 'undici'
import type { Cancellation } from './cancellation.js'
import { callUpstream } from './call.js'
import { endpoints } from './endpoints.js'
import type { PartName, PartValues } from './endpoints.js'
import { interpret } from './interpret.js'
import type { Semaphore } from './semaphore.js'

export interface UpstreamClientOptions {
  dispatcher: Dispatcher
  /** Base URL, e.g. https://app.thetextapi.com/text (a trailing slash is fine). */
  baseUrl: string
  apiKey: string
  semaphore: Semaphore
  maxResponseBytes: number
}

export interface CallContext {
  cancellation: Cancellation
  requestId: string
  /** The request's remaining budget in ms, sent upstream so it can give up when we will. */
  remainingMs (): number
  /** Called when a permit is granted, with how long the caller waited for it (ms). */
  onPermit? (waitedMs: number): void
}

export class UpstreamClient {
  readonly semaphore: Semaphore
  #dispatcher: Dispatcher
  #origin: string
  #paths: { readonly [P in PartName]: string }
  #apiKey: string
  #maxResponseBytes: number
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
  }

  get origin (): string { return this.#origin }

  /** The endpoint's name as the upstream knows it (e.g. `summarize`). */
  pathOf (part: PartName): string { return endpoints[part].path }

  /** Smoothed permit hold time (ms) and how many calls it is based on. */
  get holdStats (): { ms: number, samples: number } {
    return { ms: this.#holdMs, samples: this.#holdSamples }
  }

  /**
   * Calls one endpoint. `body` is the JSON request body, serialised once per request and shared by its
   * calls. A cancellation while waiting for the permit or during the call rejects with its reason, and
   * the permit is released exactly once on every path.
   */
  async call<P extends PartName> (part: P, body: string, ctx: CallContext): Promise<PartValues[P]> {
    const queuedAt = performance.now()
    const permit = this.semaphore.tryAcquire() ?? await this.semaphore.acquire(ctx.cancellation)
    const startedAt = performance.now()
    ctx.onPermit?.(startedAt - queuedAt)
    let res
    try {
      res = await callUpstream({
        dispatcher: this.#dispatcher,
        origin: this.#origin,
        path: this.#paths[part],
        headers: {
          'content-type': 'application/json',
          apikey: this.#apiKey,
          'x-request-id': ctx.requestId,
          'request-timeout-ms': String(Math.max(0, Math.floor(ctx.remainingMs()))),
        },
        body,
        maxResponseBytes: this.#maxResponseBytes,
        cancellation: ctx.cancellation,
      })
    } finally {
      permit.release()
      this.#recordHold(performance.now() - startedAt)
    }
    return interpret(endpoints[part], res)
  }

  #recordHold (ms: number): void {
    this.#holdSamples++
    // An EWMA with a short memory (alpha 0.1): it follows the upstream's latency within tens of calls.
    this.#holdMs = this.#holdSamples === 1 ? ms : this.#holdMs + 0.1 * (ms - this.#holdMs)
  }
}
