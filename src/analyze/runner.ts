// The analysis runner: admits a request, starts its parts concurrently, and yields each outcome as it completes.
import { partChannel } from '../events.js'
import { partNames } from '../parts.js'
import type { PartName, PartOutcome } from '../parts.js'
import type { UpstreamClient } from '../upstream/client.js'
import type { EndpointGuard } from '../upstream/guard.js'
import type { Limiter } from '../upstream/limiter.js'
import type { Pauses } from '../upstream/pauses.js'
import { admit } from './admission.js'
import { runPart } from './run-part.js'
import type { PartDeps, RetryPolicy } from './run-part.js'
import type { Scope } from './scope.js'

export interface AnalyzeInput {
  text: string
  /** Parts to compute; default all. */
  parts?: readonly PartName[] | undefined
}

export interface AnalyzerDeps {
  client: UpstreamClient
  guards: Record<PartName, EndpointGuard>
  limiter: Limiter
  pauses: Pauses
  retry: RetryPolicy
}

export class Analyzer {
  readonly limiter: Limiter
  #deps: Record<PartName, PartDeps>

  constructor (deps: AnalyzerDeps) {
    this.limiter = deps.limiter
    const { client, limiter, pauses, retry } = deps
    this.#deps = Object.fromEntries(partNames.map((p) => [p, { client, guard: deps.guards[p], limiter, pauses, retry, source: this }])) as unknown as Record<PartName, PartDeps>
  }

  /**
   * Admits the request (throws an OVERLOADED ServiceError when its calls cannot be served in time) and
   * starts every wanted part at once. The run yields each part's outcome as soon as it completes;
   * cancelling `scope` ends every part still running, each with its own code.
   */
  start (input: AnalyzeInput, scope: Scope, requestId: string): AnalysisRun {
    const wanted = input.parts === undefined ? partNames : partNames.filter((p) => input.parts!.includes(p))
    admit(this.limiter, wanted.length, scope.remainingMs())
    const body = JSON.stringify({ text: input.text })
    return new AnalysisRun(wanted, wanted.map((part) => this.#run(part, body, scope, requestId)))
  }

  #run (part: PartName, body: string, scope: Scope, requestId: string): Promise<PartOutcome> {
    const deps = this.#deps[part]
    if (!partChannel.hasSubscribers) return runPart(part, body, scope, requestId, deps)
    return partChannel.tracePromise(runPart, { source: this, part, requestId }, undefined, part, body, scope, requestId, deps)
  }
}

/** A started analysis: its parts, and their outcomes in completion order (each exactly once). */
export class AnalysisRun implements AsyncIterable<PartOutcome> {
  readonly parts: readonly PartName[]
  #ready: PartOutcome[] = []
  #pending: number
  #failed: { err: unknown } | undefined
  #wake: (() => void) | undefined

  constructor (parts: readonly PartName[], outcomes: Promise<PartOutcome>[]) {
    this.parts = parts
    this.#pending = outcomes.length
    const settled = (): void => {
      this.#pending--
      const wake = this.#wake
      this.#wake = undefined
      wake?.()
    }
    for (const o of outcomes) {
      o.then((outcome) => { this.#ready.push(outcome); settled() }, (err: unknown) => { this.#failed ??= { err }; settled() })
    }
  }

  /** Every outcome, once all parts are done, in completion order. */
  async all (): Promise<PartOutcome[]> {
    const out: PartOutcome[] = []
    for await (const o of this) out.push(o)
    return out
  }

  async * [Symbol.asyncIterator] (): AsyncGenerator<PartOutcome, void, undefined> {
    let next = 0
    for (;;) {
      while (next < this.#ready.length) yield this.#ready[next++]!
      // A part that rejected is a bug (parts resolve with their failures): it surfaces as a 500.
      if (this.#failed !== undefined) throw this.#failed.err
      if (this.#pending === 0) return
      await new Promise<void>((resolve) => { this.#wake = resolve })
    }
  }
}
