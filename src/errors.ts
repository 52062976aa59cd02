// The one error family: every code with its one status and title, request and part failures, cancellation reasons.

/**
 * Every code the service can answer with, and the one HTTP status each answers with. The strings never
 * change once published: clients match on them.
 */
export const errorCodes = {
  INVALID_JSON: {
    status: 400,
    title: 'Request body is not valid JSON',
    description: 'The body could not be parsed as JSON, or it was empty.',
    advice: 'Send a JSON object such as {"text": "..."} with Content-Type: application/json. Do not retry unchanged.',
  },
  MALFORMED_REQUEST: {
    status: 400,
    title: 'Request is not valid HTTP',
    description: 'Node\'s HTTP parser refused the request before any route saw it: a bad request line or unknown method, a folded (obs-fold) or malformed header, both Content-Length and Transfer-Encoding, conflicting Content-Lengths, or bad chunked framing. The connection is closed after this answer.',
    advice: 'Fix the client or the proxy in front of it. Do not retry unchanged.',
  },
  INVALID_URL: {
    status: 400,
    title: 'Request URL is malformed',
    description: 'The path is not valid percent-encoding (for example "%zz").',
    advice: 'Fix the URL. Do not retry unchanged.',
  },
  VALIDATION_FAILED: {
    status: 400,
    title: 'Request is invalid',
    description: 'The body or a header breaks a rule: a missing, blank or too long text, an unknown field, an unknown part, a "require" outside "parts", a bad Request-Timeout-Ms. The detail names the field and the limit.',
    advice: 'Fix the field the detail names. Do not retry unchanged.',
  },
  UNAUTHORIZED: {
    status: 401,
    title: 'A valid client key is required',
    description: 'Client keys are on (API_KEYS) and the request carried none, or one that is not known. The WWW-Authenticate header says which.',
    advice: 'Send your key as Authorization: Bearer <key> or X-API-Key: <key>. Do not retry unchanged.',
  },
  NOT_FOUND: {
    status: 404,
    title: 'No such route',
    description: 'No route matches the path (GET /problems lists the problem types; GET /openapi.json describes every route).',
    advice: 'Check the path. Do not retry unchanged.',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    title: 'Method not allowed on this route',
    description: 'The path exists but not for this method; the Allow header lists the methods it takes.',
    advice: 'Use a method from the Allow header.',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    title: 'The request did not arrive in time',
    description: 'The request\'s headers took longer than HEADERS_TIMEOUT_MS, or the whole request (headers and body) longer than BODY_TIMEOUT_MS, to arrive. The connection is closed after this answer.',
    advice: 'Send the request at once; retry on a new connection.',
  },
  BODY_TOO_LARGE: {
    status: 413,
    title: 'Request body is too large',
    description: 'The body is larger than the longest text allows (MAX_TEXT_CHARS characters, or MAX_BATCH_CHARS for a batch, each up to twelve bytes when JSON-escaped, as a surrogate pair is). The connection is closed after this answer.',
    advice: 'Send a shorter text, or split it. Do not retry unchanged.',
  },
  BATCH_TOO_LARGE: {
    status: 413,
    title: 'The batch holds too much text',
    description: 'The texts of a batch add up to more than MAX_BATCH_CHARS characters.',
    advice: 'Split the batch. Do not retry unchanged.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Request body must be application/json in UTF-8, not encoded',
    description: 'The body is not declared as application/json, or declares a charset other than UTF-8, or carries a Content-Encoding (gzip, deflate, br…): the detail names which.',
    advice: 'Send Content-Type: application/json (charset, if any, utf-8) and no Content-Encoding.',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    title: 'Request headers are too large',
    description: 'The request line and headers together are larger than Node\'s limit (16 KiB unless --max-http-header-size says otherwise). The connection is closed after this answer.',
    advice: 'Send fewer or shorter headers (cookies, say). Do not retry unchanged.',
  },
  TOO_MANY_REQUESTS: {
    status: 429,
    title: 'Too many requests',
    description: 'This client sent more than RATE_LIMIT_PER_MIN requests in a minute. The RateLimit header says where it stands.',
    advice: 'Retry after Retry-After; pace requests by the RateLimit header.',
  },
  QUOTA_EXCEEDED: {
    status: 429,
    title: 'The quota of text is used up',
    description: 'This client analysed more than QUOTA_CHARS_PER_MIN characters of text in a minute (a cache hit costs nothing), or sent one text larger than the whole quota.',
    advice: 'Retry after Retry-After; pace texts by the RateLimit header.',
  },
  CLIENT_CLOSED: {
    status: 499,
    title: 'The client closed the request',
    description: 'The client went away before the answer; its upstream calls were cancelled. Recorded in logs and metrics; no client ever reads it.',
    advice: 'Nothing to do: nobody is waiting for this answer.',
  },
  INTERNAL_ERROR: {
    status: 500,
    title: 'Internal error',
    description: 'A bug in the service. It is logged with the requestId.',
    advice: 'Retry once; if it persists, report the requestId.',
  },
  UPSTREAM_ERROR: {
    status: 502,
    title: 'The upstream answered with an error',
    description: 'The Text API answered with an error status (its status is in parts.<part>.upstreamStatus). 502, 503 and 504 were retried first.',
    advice: 'Retry later with backoff; a 4xx from the upstream (say a bad key) will not go away by itself.',
  },
  UPSTREAM_BAD_RESPONSE: {
    status: 502,
    title: 'The upstream answered with something that breaks its contract',
    description: 'The Text API answered 2xx with HTML, broken or mis-shaped JSON, or a body larger than allowed.',
    advice: 'Retry later; report it if it persists.',
  },
  UPSTREAM_UNAVAILABLE: {
    status: 502,
    title: 'The upstream could not be reached',
    description: 'The connection to the Text API was refused or reset, after bounded retries.',
    advice: 'Retry later with backoff.',
  },
  PARTS_FAILED: {
    status: 502,
    title: 'Every part failed, for different reasons',
    description: 'Every requested part (or several required ones) failed with codes of different statuses, say a timeout and an open circuit. Each part\'s own code is in parts.<part>.code.',
    advice: 'Read each part\'s code; retry after the longest Retry-After if there is one.',
  },
  CIRCUIT_OPEN: {
    status: 503,
    title: 'The upstream endpoint is failing and calls to it are paused',
    description: 'Recent calls to this endpoint mostly failed, so calls are paused; one probe call tests it again after a while.',
    advice: 'Retry after Retry-After.',
  },
  RATE_LIMITED: {
    status: 503,
    title: 'The upstream rate limit is exhausted',
    description: 'The upstream answered 429, or its rate limit (UPSTREAM_RATE_LIMIT) is used up, for longer than this request\'s deadline.',
    advice: 'Retry after Retry-After.',
  },
  OVERLOADED: {
    status: 503,
    title: 'The service is overloaded',
    description: 'The service could not serve the request in time: its upstream call queue is full or would outlast the deadline, its event loop lags, or the upstream (the embedded engine among them) shed the call.',
    advice: 'Retry after Retry-After, with backoff.',
  },
  SHUTTING_DOWN: {
    status: 503,
    title: 'The service is shutting down',
    description: 'The replica is stopping: the request arrived after it stopped taking new ones (on a connection already open), or was still running near the end of its grace period.',
    advice: 'Retry at once: another replica will take it.',
  },
  UPSTREAM_TIMEOUT: {
    status: 504,
    title: 'The upstream did not answer within the deadline',
    description: 'The deadline (REQUEST_TIMEOUT_MS, or less through Request-Timeout-Ms or timeoutMs) passed while an upstream call was in flight; the call was cancelled.',
    advice: 'Retry, perhaps with a longer deadline or a shorter text.',
  },
  DEADLINE_EXCEEDED: {
    status: 504,
    title: 'The deadline passed before the upstream could be called',
    description: 'The deadline passed while the part waited for a permit, a rate-limit place, an upstream pause or a retry.',
    advice: 'Retry later, or with a longer deadline.',
  },
} as const satisfies Record<string, { status: number, title: string, description: string, advice: string }>

export type ErrorCode = keyof typeof errorCodes

/** The problem `type` URI for a code; `GET /problems/<slug>` on the service describes it. */
export function problemType (code: ErrorCode): string {
  return `/problems/${code.toLowerCase().replaceAll('_', '-')}`
}

/** A request-level failure: carries a stable code, and answers with that code's status. */
export class ServiceError extends Error {
  readonly code: ErrorCode
  /** Seconds a client should wait before trying again, when that is known. */
  readonly retryAfterS: number | undefined
  /** Extra members for the problem document (e.g. `parts`). */
  readonly extensions: Record<string, unknown> | undefined

  constructor (code: ErrorCode, detail: string, opts: { retryAfterS?: number | undefined, extensions?: Record<string, unknown>, cause?: unknown } = {}) {
    super(detail, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'ServiceError'
    this.code = code
    this.retryAfterS = opts.retryAfterS
    this.extensions = opts.extensions
  }

  get status (): number {
    return errorCodes[this.code].status
  }
}

/** The codes one part of an analysis can fail with. */
export type PartFailureCode = Extract<ErrorCode,
  'UPSTREAM_ERROR' | 'UPSTREAM_BAD_RESPONSE' | 'UPSTREAM_UNAVAILABLE' | 'UPSTREAM_TIMEOUT' | 'DEADLINE_EXCEEDED' |
  'CIRCUIT_OPEN' | 'RATE_LIMITED' | 'OVERLOADED' | 'CLIENT_CLOSED' | 'SHUTTING_DOWN'>

/** Why one part failed: a stable code plus the facts a client, a retry or a breaker needs. */
export class PartFailure extends Error {
  readonly code: PartFailureCode
  /** The upstream's HTTP status, when it answered. */
  readonly upstreamStatus: number | undefined
  /** How long the upstream (or the breaker, or the limiter) asks callers to wait, in ms, when known. */
  readonly retryAfterMs: number | undefined

  constructor (code: PartFailureCode, message: string, opts: { upstreamStatus?: number | undefined, retryAfterMs?: number | undefined, cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'PartFailure'
    this.code = code
    this.upstreamStatus = opts.upstreamStatus
    this.retryAfterMs = opts.retryAfterMs
  }

  /**
   * Worth another attempt: the connection failed; the upstream said 502/503/504; it rate-limited the
   * call (429) or shed it (503 with Retry-After, OVERLOADED), and said when to come back.
   */
  get transient (): boolean {
    switch (this.code) {
      case 'UPSTREAM_UNAVAILABLE': return true
      case 'RATE_LIMITED':
      case 'OVERLOADED': return this.upstreamStatus !== undefined
      case 'UPSTREAM_ERROR': return this.upstreamStatus === 502 || this.upstreamStatus === 503 || this.upstreamStatus === 504
      default: return false
    }
  }

  /**
   * Counts against the endpoint's circuit breaker: the upstream misbehaved. Not a refusal by us, not the
   * client leaving, not the upstream deliberately shedding or rate-limiting (it is healthy, and says when
   * to come back: counting that would turn a burst into an outage).
   */
  get fault (): boolean {
    return this.code === 'UPSTREAM_ERROR' || this.code === 'UPSTREAM_BAD_RESPONSE' ||
      this.code === 'UPSTREAM_UNAVAILABLE' || this.code === 'UPSTREAM_TIMEOUT'
  }
}

/** Why a scope was cancelled. The deadline reads differently before a call and during one (see `cancelledPart`). */
export const cancelKinds = ['client-closed', 'deadline', 'shutdown'] as const
export type CancelKind = typeof cancelKinds[number]

/** The reason a Cancellation carries: thrown (rejected) to whoever was waiting on the cancelled work. */
export class Cancelled extends Error {
  readonly kind: CancelKind
  /**
   * A deadline the client chose, shorter than the service's own: a call it cuts short was abandoned by
   * its client, and says nothing of the upstream's load.
   */
  readonly byClient: boolean

  constructor (kind: CancelKind, message: string, byClient = false) {
    super(message)
    this.name = 'Cancelled'
    this.kind = kind
    this.byClient = byClient
  }
}

/** Where a part was when its cancellation reached it. */
export type CancelledWhile = 'waiting' | 'calling'

/** A typed cancellation reason as a part's failure: each reason, and for the deadline each place, has one code. */
export function cancelledPart (reason: Cancelled, during: CancelledWhile): PartFailure {
  switch (reason.kind) {
    case 'client-closed': return new PartFailure('CLIENT_CLOSED', reason.message)
    case 'shutdown': return new PartFailure('SHUTTING_DOWN', reason.message)
    case 'deadline': return during === 'calling'
      ? new PartFailure('UPSTREAM_TIMEOUT', `${reason.message} while the upstream call was in flight`)
      : new PartFailure('DEADLINE_EXCEEDED', `${reason.message} before the upstream could be called`)
  }
}

/**
 * What an upstream attempt's rejection reads as: the failure itself, or, when the attempt was cancelled
 * while it was calling, the failure its part gets for that; undefined for anything else (a bug).
 */
export function attemptFailure (err: unknown): PartFailure | undefined {
  if (err instanceof PartFailure) return err
  if (err instanceof Cancelled) return cancelledPart(err, 'calling')
  return undefined
}

/** How an upstream attempt ended, as a code: `ok`, or its failure's (metrics, logs and spans agree). */
export function attemptOutcome (err: unknown): string {
  if (err === undefined) return 'ok'
  return attemptFailure(err)?.code ?? 'INTERNAL_ERROR'
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
