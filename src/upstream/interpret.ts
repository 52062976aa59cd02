// Turns a raw upstream response into a part's value or an UpstreamFailure, per the contract.
import type { UpstreamResponse } from './call.js'
import type { Endpoint, PartName, PartValues } from './endpoints.js'
import { UpstreamFailure } from './failure.js'

/**
 * Status first, then content type, then JSON, then shape. Error bodies are never echoed: they may be
 * HTML pages, and an upstream that repeats the request's apikey in its error text would leak it.
 */
export function interpret<P extends PartName> (endpoint: Endpoint<P>, res: UpstreamResponse): PartValues[P] {
  if (res.status === 429) {
    throw new UpstreamFailure('RATE_LIMITED', `upstream ${endpoint.path} rate-limited the call (429)`,
      { upstreamStatus: 429, ...(res.retryAfterMs === undefined ? {} : { retryAfterMs: res.retryAfterMs }) })
  }
  if (res.status < 200 || res.status >= 300) {
    throw new UpstreamFailure('UPSTREAM_ERROR', `upstream ${endpoint.path} answered ${res.status}`,
      { upstreamStatus: res.status, ...(res.retryAfterMs === undefined ? {} : { retryAfterMs: res.retryAfterMs }) })
  }
  if (res.contentType !== 'application/json' && !res.contentType.endsWith('+json')) {
    throw new UpstreamFailure('UPSTREAM_BAD_RESPONSE',
      `upstream ${endpoint.path} answered ${res.status} with content type "${res.contentType || 'none'}", not JSON`,
      { upstreamStatus: res.status })
  }
  let json: unknown
  try {
    json = JSON.parse(res.body.toString('utf8'))
  } catch {
    throw new UpstreamFailure('UPSTREAM_BAD_RESPONSE', `upstream ${endpoint.path} answered ${res.status} with malformed JSON`,
      { upstreamStatus: res.status })
  }
  return endpoint.normalise(json)
}
