// The upstream client: one call to one part's endpoint under a permit, the permit back, the answer checked.
import type { Dispatcher } from 'undici'
import { partNames } from '../parts.js'
import type { PartName, PartValues } from '../parts.js'
import type { Cancellation } from './cancellation.js'
import { callUpstream } from './call.js'
import type { UpstreamResponse } from './call.js'
import { endpoints } from './endpoints.js'
import { interpret } from './interpret.js'
import type { Permit } from './limiter.js'

export interface UpstreamClientOptions {
  dispatcher: Dispatcher
  /** Base URL, e.g. https://app.thetextapi.com/text (a trailing slash is fine). */
  baseUrl: string
  apiKey: string
  maxResponseBytes: number
}

/** Header that carries the remaining budget upstream; the service reads the same name from its clients. */
export const TIMEOUT_HEADER = 'request-timeout-ms'

export class UpstreamClient {
  readonly origin: string
  #dispatcher: Dispatcher
  #paths: { readonly [P in PartName]: string }
  #apiKey: string
  #maxResponseBytes: number
  #interpreters: { readonly [P in PartName]: (res: UpstreamResponse) => PartValues[P] }

  constructor (opts: UpstreamClientOptions) {
    let url: URL
    try {
      url = new URL(opts.baseUrl)
    } catch {
      throw new TypeError(`upstream baseUrl is not a URL: ${JSON.stringify(opts.baseUrl)}`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`upstream baseUrl must be http(s), got ${url.protocol}`)
    const base = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`
    this.origin = url.origin
    this.#dispatcher = opts.dispatcher
    this.#apiKey = opts.apiKey
    this.#maxResponseBytes = opts.maxResponseBytes
    this.#paths = Object.fromEntries(partNames.map((p) => [p, base + endpoints[p].path])) as { [P in PartName]: string }
    this.#interpreters = Object.fromEntries(partNames.map((p) => [p, (res: UpstreamResponse) => interpret(endpoints[p], res)])) as
      { [P in PartName]: (res: UpstreamResponse) => PartValues[P] }
  }

  /**
   * Calls `part`'s endpoint under `permit`, which is released exactly once however the call ends. `body`
   * is the JSON request body, serialised once per request and shared by its calls. A cancellation of
   * `deadline` during the call rejects with its reason (a Cancelled). Not async: an in-flight call is
   * the one promise of its handler (see callUpstream).
   */
  send<P extends PartName> (part: P, body: string, deadline: Cancellation, requestId: string, permit: Permit): Promise<PartValues[P]> {
    return callUpstream({
      dispatcher: this.#dispatcher,
      origin: this.origin,
      path: this.#paths[part],
      headers: {
        'content-type': 'application/json',
        apikey: this.#apiKey,
        'x-request-id': requestId,
        [TIMEOUT_HEADER]: String(Math.floor(deadline.remainingMs())),
      },
      body,
      maxResponseBytes: this.#maxResponseBytes,
      cancellation: deadline,
      interpret: this.#interpreters[part],
      settled: (outcome) => { permit.release(outcome) },
    })
  }
}
