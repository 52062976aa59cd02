// The HTTP side of an analysis: the deadline from headers and body, client disconnects, timing headers.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Analysis, AnalyzeInput, Analyzer, PartReport } from '../analyze/analyzer.js'
import { Scope } from '../analyze/scope.js'
import { ServiceError } from '../errors.js'
import { partNames } from '../upstream/endpoints.js'
import type { PartName } from '../upstream/endpoints.js'
import { UpstreamFailure } from '../upstream/failure.js'

export interface AnalyzeBody extends AnalyzeInput {
  /** The client's own deadline in ms; the server's REQUEST_TIMEOUT_MS still bounds it. */
  timeoutMs?: number
}

/** Header a client may send to shorten its deadline, and that carries the remaining budget upstream. */
export const TIMEOUT_HEADER = 'request-timeout-ms'

export async function handleAnalyze (
  analyzer: Analyzer, maxTimeoutMs: number,
  request: FastifyRequest<{ Body: AnalyzeBody }>, reply: FastifyReply,
): Promise<Analysis> {
  const body = request.body
  const budgetMs = Math.min(maxTimeoutMs, body.timeoutMs ?? maxTimeoutMs, headerTimeout(request.headers[TIMEOUT_HEADER], maxTimeoutMs))
  if (body.require !== undefined && body.parts !== undefined) {
    const stray = body.require.find((p) => !body.parts!.includes(p))
    if (stray !== undefined) throw new ServiceError('VALIDATION_FAILED', `require names "${stray}", which is not in parts`)
  }
  const scope = new Scope(budgetMs)
  const res = reply.raw
  const onClose = (): void => {
    if (!res.writableFinished) scope.cancel(new UpstreamFailure('CLIENT_CLOSED', 'the client closed the connection'))
  }
  res.once('close', onClose)
  reply.header('x-request-id', request.id)
  try {
    const analysis = await analyzer.analyze(body, scope, request.id)
    reply.header('server-timing', serverTiming(analysis.parts))
    if (analysis.partial) {
      const failed = partNames.filter((p) => analysis.parts[p].status === 'error')
      reply.header('partial-response', failed.join(', '))
      request.log.warn({ failed: failed.map((p) => [p, (analysis.parts[p] as { code: string }).code]) }, 'partial analysis')
    }
    return analysis
  } catch (err) {
    const parts = err instanceof ServiceError ? err.extensions?.parts as Record<PartName, PartReport> | undefined : undefined
    if (parts !== undefined) reply.header('server-timing', serverTiming(parts))
    throw err
  } finally {
    scope.dispose()
  }
}

function headerTimeout (value: string | string[] | undefined, max: number): number {
  if (value === undefined) return max
  const text = Array.isArray(value) ? value[0] : value
  if (text === undefined || !/^\d{1,9}$/.test(text) || Number(text) < 1) {
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
