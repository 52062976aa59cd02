// The HTTP side of an analysis: the deadline from headers and body, the client leaving, timing and partial headers.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { assemble, failedParts } from '../analyze/assemble.js'
import type { Analysis, PartReport } from '../analyze/assemble.js'
import type { AnalyzeInput } from '../analyze/runner.js'
import { Scope } from '../analyze/scope.js'
import { cacheMode, cacheStatusHeader } from '../cache/http.js'
import { Cancelled, ServiceError } from '../errors.js'
import { partNames } from '../parts.js'
import type { PartName } from '../parts.js'
import { TIMEOUT_HEADER } from '../upstream/client.js'
import { chargeQuota, refundQuota } from '../plugins/clients.js'

export interface AnalyzeBody extends AnalyzeInput {
  /** Parts whose failure fails the request; default none. */
  require?: PartName[]
  /** The client's own deadline in ms; the server's REQUEST_TIMEOUT_MS still bounds it. */
  timeoutMs?: number
}

/** POST /analyze as JSON: runs every part, then answers the assembled analysis or its one failure. */
export async function analyzeRequest (request: FastifyRequest<{ Body: AnalyzeBody }>, reply: FastifyReply): Promise<Analysis> {
  const app = request.server
  const body = request.body
  const maxTimeoutMs = app.config.REQUEST_TIMEOUT_MS
  const budgetMs = Math.min(maxTimeoutMs, body.timeoutMs ?? maxTimeoutMs, headerTimeout(request.headers[TIMEOUT_HEADER], maxTimeoutMs))
  if (body.require !== undefined && body.parts !== undefined) {
    const stray = body.require.find((p) => !body.parts!.includes(p))
    if (stray !== undefined) throw new ServiceError('VALIDATION_FAILED', `require names "${stray}", which is not in parts`)
  }
  const scope = new Scope(budgetMs, { parent: app.lifetime })
  const res = reply.raw
  const onClose = (): void => {
    if (!res.writableFinished) scope.cancel(new Cancelled('client-closed', 'the client closed the connection'))
  }
  res.once('close', onClose)
  reply.header('x-request-id', request.id)
  try {
    const mode = cacheMode(request.headers['cache-control'])
    const plan = app.analyzer.plan({ text: body.text, parts: body.parts, cache: mode })
    // A text whose every part the cache answers costs nothing.
    const charged = await chargeQuota(request, plan.misses > 0 ? codePoints(plan.text) : 0)
    const outcomes = await app.analyzer.start(plan, scope, request.id).all()
    // Nor does one that made no upstream call after all (a Redis hit, a call another request made).
    if (charged > 0 && outcomes.every((o) => o.attempts === 0)) await refundQuota(request, charged)
    const cacheStatus = cacheStatusHeader(outcomes.map((o) => ({ part: o.part, cache: o.cache, ok: o.ok })), mode)
    if (cacheStatus !== undefined) reply.header('cache-status', cacheStatus)
    const answer = assemble(outcomes, body.require, request.id)
    if (!answer.ok) {
      reply.header('server-timing', serverTiming(answer.error.extensions!.parts as Record<PartName, PartReport>))
      throw answer.error
    }
    const analysis = answer.analysis
    reply.header('server-timing', serverTiming(analysis.parts))
    if (analysis.partial) {
      const failed = failedParts(analysis)
      reply.header('partial-response', failed.join(', '))
      request.log.warn({ failed: failed.map((p) => [p, (analysis.parts[p] as { code: string }).code]) }, 'partial analysis')
    }
    return analysis
  } finally {
    res.off('close', onClose)
    scope.dispose()
  }
}

/** Characters as the text limit counts them: code points, a surrogate pair being one. */
export function codePoints (text: string): number {
  let pairs = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs++
        i++
      }
    }
  }
  return text.length - pairs
}

function headerTimeout (value: string | string[] | undefined, max: number): number {
  if (value === undefined) return max
  const text = Array.isArray(value) ? value[0] : value
  // The rule the message states, and the body's timeoutMs follows the same: from 1 to the server's own.
  if (text === undefined || !/^\d{1,9}$/.test(text) || Number(text) < 1 || Number(text) > max) {
    throw new ServiceError('VALIDATION_FAILED', `header Request-Timeout-Ms must be a whole number of milliseconds from 1 to ${max}`)
  }
  return Number(text)
}

/** One entry per computed part, so browser devtools show where the time went. */
export function serverTiming (parts: Record<PartName, PartReport>): string {
  let out = ''
  for (const name of partNames) {
    const r = parts[name]
    if (r.status === 'skipped') continue
    out += `${out === '' ? '' : ', '}${name};dur=${r.durationMs}${r.status === 'error' ? `;desc="${r.code}"` : ''}`
  }
  return out
}
