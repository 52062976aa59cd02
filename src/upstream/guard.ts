// Per-endpoint protection shared by all requests: circuit breaker, rate-limit pause and retry budget.
import { circuitBreaker, handleWhen, SamplingBreaker, BrokenCircuitError, CircuitState } from 'cockatiel'
import type { CircuitBreakerPolicy } from 'cockatiel'
import { UpstreamFailure } from './failure.js'
import { RetryBudget } from './retry-budget.js'

export interface GuardOptions {
  /** Share of failed calls in the window that opens the breaker, in (0, 1). */
  failureRatio: number
  /** Calls the window must have seen before the breaker may open. */
  minCalls: number
  windowMs: number
  halfOpenAfterMs: number
  retryBudgetRatio: number
  /** How long a 429 without Retry-After pauses the endpoint, in ms. */
  defaultPauseMs?: number
}

export class EndpointGuard {
  readonly name: string
  readonly retryBudget: RetryBudget
  readonly breaker: CircuitBreakerPolicy
  #halfOpenAfterMs: number
  #openedAt = 0
  #pausedUntil = 0
  #defaultPauseMs: number

  constructor (name: string, opts: GuardOptions) {
    this.name = name
    this.#halfOpenAfterMs = opts.halfOpenAfterMs
    this.#defaultPauseMs = opts.defaultPauseMs ?? 1000
    this.retryBudget = new RetryBudget({ ratio: opts.retryBudgetRatio, windowMs: opts.windowMs })
    // SamplingBreaker wants a minimum rate; a minimum count over the window is that rate times the window.
    this.breaker = circuitBreaker(handleWhen((err) => err instanceof UpstreamFailure && err.upstreamFault), {
      halfOpenAfter: opts.halfOpenAfterMs,
      breaker: new SamplingBreaker({
        threshold: opts.failureRatio,
        duration: opts.windowMs,
        minimumRps: opts.minCalls / (opts.windowMs / 1000),
      }),
    })
    this.breaker.onBreak(() => { this.#openedAt = Date.now() })
  }

  get circuitState (): 'closed' | 'open' | 'half-open' | 'isolated' {
    const states = { [CircuitState.Closed]: 'closed', [CircuitState.Open]: 'open', [CircuitState.HalfOpen]: 'half-open', [CircuitState.Isolated]: 'isolated' } as const
    return states[this.breaker.state]
  }

  /**
   * Runs one attempt through the breaker. An open circuit fails at once with CIRCUIT_OPEN, and so does
   * a half-open one while its single probe is out: cockatiel would park those callers on the probe,
   * beyond the reach of their own deadlines.
   */
  async execute<T> (attempt: () => Promise<T>): Promise<T> {
    if (this.breaker.state === CircuitState.HalfOpen) {
      throw new UpstreamFailure('CIRCUIT_OPEN', `calls to ${this.name} are paused while a probe call tests the upstream`, { retryAfterMs: 1000 })
    }
    try {
      return await this.breaker.execute(attempt)
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        const retryAfterMs = Math.max(0, this.#openedAt + this.#halfOpenAfterMs - Date.now())
        throw new UpstreamFailure('CIRCUIT_OPEN',
          `calls to ${this.name} are paused after repeated failures; the next probe is in ${Math.ceil(retryAfterMs / 1000)} s`,
          { retryAfterMs })
      }
      throw err
    }
  }

  /** ms until the endpoint's rate-limit pause ends (0 when not paused). */
  pausedFor (now = Date.now()): number {
    return Math.max(0, this.#pausedUntil - now)
  }

  /** A 429 pauses the endpoint for every caller, for Retry-After or a default. */
  pause (retryAfterMs: number | undefined, now = Date.now()): void {
    const until = now + (retryAfterMs ?? this.#defaultPauseMs)
    if (until > this.#pausedUntil) this.#pausedUntil = until
  }
}
