// The one error family: stable codes, their HTTP status and title, and the RFC 9457 problem shape.

/**
 * Every code the service can answer with. The strings never change once published: clients match on
 * them.
 */
export const errorCodes = {
  INVALID_JSON: { status: 400, title: 'Request body is not valid JSON' },
  INVALID_URL: { status: 400, title: 'Request URL is malformed' },
  VALIDATION_FAILED: { status: 400, title: 'Request body is invalid' },
  NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed on this route' },
  BODY_TOO_LARGE: { status: 413, title: 'Request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Request body must be application/json' },
  UPSTREAM_ERROR: { status: 502, title: 'The upstream answered with an error' },
  UPSTREAM_BAD_RESPONSE: { status: 502, title: 'The upstream answered with something that breaks its contract' },
  UPSTREAM_UNAVAILABLE: { status: 502, title: 'The upstream could not be reached' },
  CIRCUIT_OPEN: { status: 503, title: 'The upstream endpoint is failing and calls to it are paused' },
  RATE_LIMITED: { status: 503, title: 'The upstream rate limit is exhausted' },
  OVERLOADED: { status: 503, title: 'The service is overloaded' },
  UPSTREAM_TIMEOUT: { status: 504, title: 'The upstream did not answer within the deadline' },
  DEADLINE_EXCEEDED: { status: 504, title: 'The deadline passed before the upstream could be called' },
  CLIENT_CLOSED: { status: 499, title: 'The client closed the request' },
  INTERNAL_ERROR: { status: 500, title: 'Internal error' },
} as const

export type ErrorCode = keyof typeof errorCodes

/** The problem `type` URI for a code; `GET /problems/<slug>` on the service describes it. */
export function problemType (code: ErrorCode): string {
  return `/problems/${code.toLowerCase().replaceAll('_', '-')}`
}

/** An error that carries a stable code; thrown by the core, turned into a problem document at the edge. */
export class ServiceError extends Error {
  readonly code: ErrorCode
  readonly status: number
  /** Seconds a client should wait before trying again, when that is known. */
  readonly retryAfterS: number | undefined
  /** Extra members for the problem document (e.g. `parts`). */
  readonly extensions: Record<string, unknown> | undefined

  constructor (code: ErrorCode, detail: string, opts: { retryAfterS?: number, status?: number, extensions?: Record<string, unknown>, cause?: unknown } = {}) {
    super(detail, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'ServiceError'
    this.code = code
    this.status = opts.status ?? errorCodes[code].status
    this.retryAfterS = opts.retryAfterS
    this.extensions = opts.extensions
  }
}

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: ErrorCode
  requestId: string
  [extension: string]: unknown
}

export function toProblem (err: ServiceError, requestId: string): Problem {
  return {
    type: problemType(err.code),
    title: errorCodes[err.code].title,
    status: err.status,
    detail: err.message,
    code: err.code,
    requestId,
    ...err.extensions,
  }
}
