// Per-endpoint protection shared by all of this process's requests: a circuit breaker and a retry budget.
import { CircuitState, SamplingBreaker } from 'cockatiel'
import { PartFailure } from '../errors.js'
import { circuitChannel } from '../events.js'
import type { CircuitEvent, CircuitStateName } from '../events.js'
import { RetryBudget } from './retry-budget.js'

export interface GuardOptions {
  /** Share of failed calls in the window that opens the breaker, in (0, 1). */
  failureRatio: number
  /** Calls the window must have seen before the breaker may open. */
  minCalls: number
  windowMs: number
  halfOpenAfterMs: number
  retryBudgetRatio: number
  /**
   * Whether a call that outlived its deadline counts against the breaker (default true). Not for the
   * embedded engine: its timeouts are the service's own overload of it, which refusal and admission
   * deal with; opening its circuits would only turn a burst into an outage.
   */
  timeoutIsFault?: boolean
}

/** Passed from `admit` to `succeeded`/`failed`: whether this call is the half-open probe. */
export type Ticket = boolean

/**
 * The failure-rate statistics over a sliding window are cockatiel's SamplingBreaker. The three-state
 * machine around it is kept here instead of in cockatiel's CircuitBreakerPolicy.execute, for three
 * reasons measured or seen in tests: execute adds two async frames per upstream call, whose live
 * state under load showed up as young-generation GC time; it parks half-open callers on the probe,
 * beyond the reach of their own deadlines (here they fail fast with CIRCUIT_OPEN); and a probe that
 * is cancelled (client gone) closes the circuit there, where here it gives no verdict.
 */
export class EndpointGuard {
  readonly name: string
  readonly retryBudget: RetryBudget
  #window: SamplingBreaker
  #state: CircuitStateName = 'closed'
  #openedAt = 0
  #halfOpenAfterMs: number
  #timeoutIsFault: boolean

  constructor (name: string, opts: GuardOptions) {
    this.name = name
    this.#halfOpenAfterMs = opts.halfOpenAfterMs
    this.#timeoutIsFault = opts.timeoutIsFault ?? true
    this.retryBudget = new RetryBudget({ ratio: opts.retryBudgetRatio, windowMs: opts.windowMs })
    // SamplingBreaker wants a minimum rate; a minimum count over the window is that rate times the window.
    this.#window = new SamplingBreaker({
      threshold: opts.failureRatio,
      duration: opts.windowMs,
      minimumRps: opts.minCalls / (opts.windowMs / 1000),
    })
  }

  get circuitState (): CircuitStateName {
    return this.#state
  }

  /** ms until an open circuit lets its next probe through; 0 when closed or probing. */
  probeInMs (now = Date.now()): number {
    return this.#state === 'open' ? Math.max(0, this.#openedAt + this.#halfOpenAfterMs - now) : 0
  }

  /**
   * Lets a call through, or throws CIRCUIT_OPEN with when the next probe is due. Once the open period
   * has passed, exactly one caller becomes the probe; the others keep failing fast until it settles.
   */
  admit (now = Date.now()): Ticket {
    if (this.#state === 'closed') return false
    const retryAfterMs = this.#openedAt + this.#halfOpenAfterMs - now
    if (this.#state === 'open' && retryAfterMs <= 0) {
      this.#move('half-open')
      return true
    }
    throw new PartFailure('CIRCUIT_OPEN', this.#state === 'half-open'
      ? `calls to ${this.name} are paused while a probe call tests the upstream`
      : `calls to ${this.name} are paused after repeated failures; the next probe is in ${Math.ceil(retryAfterMs / 1000)} s`,
    { retryAfterMs: Math.max(this.#state === 'half-open' ? 1000 : 0, retryAfterMs) })
  }

  succeeded (probe: Ticket): void {
    if (probe) {
      this.#window.success(CircuitState.HalfOpen)
      this.#move('closed')
    } else {
      this.#window.success(CircuitState.Closed)
    }
  }

  /** Records a failed call. Only upstream faults count; a cancelled or refused-by-us call gives no verdict. */
  failed (err: unknown, probe: Ticket, now = Date.now()): void {
    const fault = err instanceof PartFailure && err.fault && (this.#timeoutIsFault || err.code !== 'UPSTREAM_TIMEOUT')
    if (probe) {
      if (fault) this.#window.failure(CircuitState.HalfOpen)
      // A failed probe reopens for another period; one without a verdict lets the next caller probe.
      if (fault) this.#openedAt = now
      this.#move('open')
      return
    }
    if (fault && this.#window.failure(CircuitState.Closed) && this.#state === 'closed') {
      this.#openedAt = now
      this.#move('open')
    }
  }

  #move (to: CircuitStateName): void {
    const from = this.#state
    if (from === to) return
    this.#state = to
    if (circuitChannel.hasSubscribers) circuitChannel.publish({ source: this, endpoint: this.name, from, to } satisfies CircuitEvent)
  }
}
