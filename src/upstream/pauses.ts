// The pause seam: an endpoint that answered 429 is paused for every caller until its Retry-After.

/** Endpoint pauses, read on every attempt (synchronously: a shared implementation keeps a local mirror). */
export interface Pauses {
  /** ms until `endpoint`'s pause ends; 0 when it is not paused. */
  remainingMs (endpoint: string): number
  /** Pauses `endpoint` for `ms` from now, unless it is already paused for longer. */
  pause (endpoint: string, ms: number): void
}

/** This process's pauses: a deadline per endpoint. */
export class LocalPauses implements Pauses {
  #until = new Map<string, number>()
  #now: () => number

  constructor (now: () => number = Date.now) {
    this.#now = now
  }

  remainingMs (endpoint: string): number {
    const until = this.#until.get(endpoint)
    return until === undefined ? 0 : Math.max(0, until - this.#now())
  }

  pause (endpoint: string, ms: number): void {
    const until = this.#now() + ms
    if (until > (this.#until.get(endpoint) ?? 0)) this.#until.set(endpoint, until)
  }
}
