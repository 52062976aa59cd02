// The cache's HTTP face: the request's Cache-Control as a cache mode, and the answer's RFC 9211 Cache-Status.
import type { CacheStatus } from '../parts.js'
import type { CacheMode } from '../analyze/fetch-part.js'

/** The service's name in Cache-Status. */
export const CACHE_NAME = 'text-bff'

/**
 * `no-store` wins over `no-cache`. `max-age=0` (what a browser's reload sends) asks for nothing older
 * than now: `no-cache` too (RFC 9111 5.2.1.1); so is `Pragma: no-cache` without a Cache-Control (5.4).
 * Other directives, and other ages, are not honoured: an entry is fresh for CACHE_TTL_S.
 */
export function cacheMode (header: string | string[] | undefined, pragma?: string | string[]): CacheMode {
  if (header === undefined) return pragma !== undefined && String(pragma).toLowerCase().includes('no-cache') ? 'refresh' : 'use'
  const directives = (Array.isArray(header) ? header.join(',') : header).toLowerCase().split(',').map((d) => d.trim())
  if (directives.includes('no-store')) return 'bypass'
  if (directives.includes('no-cache') || directives.some((d) => /^max-age\s*=\s*"?0+"?$/.test(d))) return 'refresh'
  return 'use'
}

/**
 * One Cache-Status entry for the whole answer, from the computed parts' statuses: `hit` when every part
 * came from the cache; otherwise why the service went to the upstream (`fwd=request` when the client
 * asked to bypass, `fwd=stale` when a stale entry was served for a failure, else `fwd=miss`), `stored`
 * when a fresh result was kept, `collapsed` when a part joined a call already in flight, and each part's
 * own status in `detail`.
 */
export function cacheStatusHeader (parts: ReadonlyArray<{ part: string, cache: CacheStatus | undefined, ok: boolean }>, mode: CacheMode): string | undefined {
  const known = parts.filter((p) => p.cache !== undefined)
  if (known.length === 0) return undefined
  const detail = `detail="${known.map((p) => `${p.part}=${p.cache}`).join(' ')}"`
  if (known.every((p) => p.cache === 'hit')) return `${CACHE_NAME}; hit; ${detail}`
  const fwd = mode !== 'use' ? 'request' : known.some((p) => p.cache === 'stale') ? 'stale' : 'miss'
  let out = `${CACHE_NAME}; fwd=${fwd}`
  if (mode !== 'bypass' && known.some((p) => p.ok && (p.cache === 'miss' || (p.cache === 'bypass' && mode === 'refresh')))) out += '; stored'
  if (known.some((p) => p.cache === 'collapsed')) out += '; collapsed'
  return `${out}; ${detail}`
}
