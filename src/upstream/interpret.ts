// Turns a raw upstream response into a part's value or a PartFailure, per the contract.
import { PartFailure } from '../errors.js'
import type { PartName, PartValues } from '../parts.js'
import type { UpstreamResponse } from './call.js'
import type { Endpoint } from './endpoints.js'

/**
 * Status first, then content type, then JSON, then shape. Error bodies are never echoed: they may be
 * HTML pages, and an upstream that repeats the request's apikey in its error text would leak it.
 */
export function interpret<P extends PartName> (endpoint: Endpoint<P>, res: UpstreamResponse): PartValues[P] {
  const retry = res.retryAfterMs === undefined ? {} : { retryAfterMs: res.retryAfterMs }
  if (res.status === 429) {
    throw new PartFailure('RATE_LIMITED', `upstream ${endpoint.path} rate-limited the call (429)`, { upstreamStatus: 429, ...retry })
  }
  // A 503 that says when to come back is the upstream shedding load on purpose (the embedded engine does
  // when a call cannot finish within its deadline): the service is overloaded, the upstream is not broken.
  if (res.status === 503 && res.retryAfterMs !== undefined) {
    throw new PartFailure('OVERLOADED', `upstream ${endpoint.path} is overloaded and asked to be called again in ${Math.ceil(res.retryAfterMs / 1000)} s (503)`,
      { upstreamStatus: 503, ...retry })
  }
  if (res.status < 200 || res.status >= 300) {
    throw new PartFailure('UPSTREAM_ERROR', `upstream ${endpoint.path} answered ${res.status}`, { upstreamStatus: res.status, ...retry })
  }
  if (res.contentType !== 'application/json' && !res.contentType.endsWith('+json')) {
    throw new PartFailure('UPSTREAM_BAD_RESPONSE',
      `upstream ${endpoint.path} answered ${res.status} with content type "${res.contentType || 'none'}", not JSON`,
      { upstreamStatus: res.status })
  }
  let json: unknown
  try {
    json = JSON.parse(res.body.toString('utf8'))
  } catch {
    throw new PartFailure('UPSTREAM_BAD_RESPONSE', `upstream ${endpoint.path} answered ${res.status} with malformed JSON`,
      { upstreamStatus: res.status })
  }
  return endpoint.normalise(json)
}
