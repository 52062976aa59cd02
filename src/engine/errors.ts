// The engine's named errors, each with a `code` that never changes.

export const EngineErrorCode = {
  INVALID_OPTION: 'TEXT_ENGINE_INVALID_OPTION',
  START_FAILED: 'TEXT_ENGINE_START_FAILED',
  BODY_TOO_LARGE: 'TEXT_ENGINE_BODY_TOO_LARGE',
  CANCELLED: 'TEXT_ENGINE_CANCELLED',
  OVERLOADED: 'TEXT_ENGINE_OVERLOADED',
  UNAVAILABLE: 'TEXT_ENGINE_UNAVAILABLE'
} as const
export type EngineErrorCode = typeof EngineErrorCode[keyof typeof EngineErrorCode]

/** A wrong option or environment variable, caught before anything starts. */
export class EngineOptionError extends TypeError {
  readonly code = EngineErrorCode.INVALID_OPTION
  readonly option: string

  constructor (option: string, reason: string) {
    super(`text engine option ${option} ${reason}`)
    this.name = 'EngineOptionError'
    this.option = option
  }
}

/** The engine process exited, or stayed silent, before it reported that it was listening. */
export class EngineStartError extends Error {
  readonly code = EngineErrorCode.START_FAILED

  constructor (reason: string) {
    super(`text engine failed to start: ${reason}`)
    this.name = 'EngineStartError'
  }
}

/** A request body longer than the configured limit. */
export class BodyTooLargeError extends Error {
  readonly code = EngineErrorCode.BODY_TOO_LARGE
  readonly limit: number

  constructor (limit: number) {
    super(`request body exceeds ${limit} bytes`)
    this.name = 'BodyTooLargeError'
    this.limit = limit
  }
}

/** Every request waiting on an analysis has gone, so it was abandoned (thrown by the worker's checkpoint). */
export class AnalysisCancelledError extends Error {
  readonly code = EngineErrorCode.CANCELLED

  constructor () {
    super('analysis cancelled: nobody is waiting for it')
    this.name = 'AnalysisCancelledError'
  }
}

/** The supervised engine is down (restarting, closed) or did not answer in time. */
export class EngineUnavailableError extends Error {
  readonly code = EngineErrorCode.UNAVAILABLE

  constructor (reason: string, options?: ErrorOptions) {
    super(`text engine unavailable: ${reason}`, options)
    this.name = 'EngineUnavailableError'
  }
}

/** Why a call was refused before it started: its estimate against its deadline. */
export interface Refusal {
  /** whole seconds, at least 1 */
  readonly retryAfterS: number
  readonly estimatedMs: number
  readonly deadlineMs: number
}

/** A request that cannot be answered within its request-timeout-ms: the server answers 503 with Retry-After. */
export class EngineOverloadedError extends Error {
  readonly code = EngineErrorCode.OVERLOADED
  readonly refusal: Refusal

  constructor (refusal: Refusal) {
    super(`the analysis would take ~${refusal.estimatedMs} ms, more than the ${refusal.deadlineMs} ms left`)
    this.name = 'EngineOverloadedError'
    this.refusal = refusal
  }
}
