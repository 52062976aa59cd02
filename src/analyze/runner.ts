// The analysis runner: admits a request, starts its parts concurrently, and yields each outcome as it completes.
import { partKey, textDigest, toNfc } from '../cache/keys.js'
import type { Found, ResultCache } from '../cache/result-cache.js'
import { partChannel, traceCall } from '../events.js'
import type { PartEvent } from '../events.js'
import { partNames } from '../parts.js'
import type { PartName, PartOutcome } from '../parts.js'
import type { UpstreamClient } from '../upstream/client.js'
import type { EndpointGuard } from '../upstream/guard.js'
import type { Limiter } from '../upstream/limiter.js'
import type { Pauses } from '../upstream/pauses.js'
import { admit } from './admission.js'
import { PartFetcher } from './fetch-part.js'
import type { CacheMode } from './fetch-part.js'
import { runPart } from './run-part.js'
import type { PartDeps, RetryPolicy } from './run-part.js'
import type { Scope } from './scope.js'

export interface AnalyzeInput {
  text: string
  /** Parts to compute; default all. */
  parts?: readonly PartName[] | undefined
  /** What the request allows the cache (Cache-Control); default `use`. */
  cache?: CacheMode | undefined
}

/** A request's analysis, planned: see Analyzer.plan. */
export interface AnalysisPlan {
  readonly wanted: readonly PartName[]
  readonly mode: CacheMode
  /** The text in NFC: what is keyed, sent upstream and counted. */
  readonly text: string
  readonly keys: readonly string[]
  readonly found: ReadonlyArray<Found | undefined>
  /** Parts the memory tier does not answer fresh. */
  readonly misses: number
}

export interface AnalyzerDeps {
  client: UpstreamClient
  guards: Record<PartName, EndpointGuard>
  limiter: Limiter
  pauses: Pauses
  retry: RetryPolicy
  /** The result cache; none when CACHE=false. */
  cache?: ResultCache | undefined
  /** What the upstream's answers depend on besides the text (its base URL and options, never its key). */
  upstreamIdentity: string
}

export class Analyzer {
  readonly limiter: Limiter
  readonly fetcher: PartFetcher
  #identity: string

  constructor (deps: AnalyzerDeps) {
    this.limiter = deps.limiter
    this.#identity = deps.upstreamIdentity
    const { client, pauses, retry } = deps
    const partDeps = Object.fromEntries(partNames.map((p) => [p, { client, guard: deps.guards[p], pauses, retry, source: this }])) as unknown as Record<PartName, PartDeps>
    this.fetcher = new PartFetcher({
      cache: deps.cache,
      limiter: deps.limiter,
      run: (part, body, flight, requestId) => runPart(part, body, flight, requestId, partDeps[part], flight),
    })
  }

  /**
   * What a request will take, before it takes anything: its parts, their keys, and which of them the
   * memory tier answers now (a quota, for one, charges only what needs the upstream).
   */
  plan (input: AnalyzeInput): AnalysisPlan {
    const wanted = input.parts === undefined ? partNames : partNames.filter((p) => input.parts!.includes(p))
    const mode = input.cache ?? 'use'
    // The analysis is a pure function of the text in NFC: what is sent upstream and what is keyed agree.
    const text = toNfc(input.text)
    const digest = textDigest(this.#identity, text)
    const keys = wanted.map((part) => partKey(part, digest))
    const found = keys.map((key) => this.fetcher.peek(key, mode))
    return { wanted, mode, text, keys, found, misses: found.filter((f) => f?.fresh === undefined).length }
  }

  /**
   * Admits the request (throws an OVERLOADED ServiceError when the calls it needs cannot be served in
   * time) and starts every wanted part at once. The run yields each part's outcome as soon as it
   * completes; cancelling `scope` ends every part still running, each with its own code. Its calls
   * take permits from `limiter` (a share of the service's, for a batch), by default the service's.
   */
  start (input: AnalyzeInput | AnalysisPlan, scope: Scope, requestId: string, limiter: Limiter = this.limiter): AnalysisRun {
    const plan = 'keys' in input ? input : this.plan(input)
    admit(limiter, plan.misses, scope.remainingMs())
    // Parts the memory tier answers send nothing upstream.
    const body = plan.misses > 0 ? JSON.stringify({ text: plan.text }) : ''
    return new AnalysisRun(plan.wanted, plan.wanted.map((part, i) => this.#run(part, plan.keys[i]!, plan.found[i], body, scope, requestId, plan.mode, limiter)))
  }

  #run (part: PartName, key: string, found: Found | undefined, body: string, scope: Scope, requestId: string, mode: CacheMode, limiter: Limiter): Promise<PartOutcome> {
    const fetcher = this.fetcher
    if (!partChannel.hasSubscribers) return fetcher.fetch(part, key, found, body, scope, requestId, mode, limiter)
    return traceCall(partChannel, fetcher.fetch, { source: this, part, requestId } as PartEvent, fetcher, part, key, found, body, scope, requestId, mode, limiter)
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

  /**
   * Every outcome, once all parts are done, in completion order. Not through the iterator: a promise
   * settled once, where the async generator took a dozen microtask turns for three parts.
   */
  all (): Promise<PartOutcome[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.#failed !== undefined) reject(this.#failed.err)
        else if (this.#pending === 0) resolve(this.#ready.slice())
        else this.#wake = check
      }
      check()
    })
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
