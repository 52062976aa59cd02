// The engine's core without HTTP: a warmed pool, two lanes, shared documents and admission behind submit() and stats().
import { createHash } from 'node:crypto'
import { availableParallelism } from 'node:os'
import type { AnalysisKind } from './analyses/index.js'
import { refusalOf, refusedTicket } from './admission.js'
import { CostModel } from './cost-model.js'
import type { EngineStats } from './engine-stats.js'
import { endpointKinds } from './endpoints.js'
import { EngineStartError } from './errors.js'
import { Lane, SMALL_TEXT_MAX_CHARS, laneOf } from './lane.js'
import { silentLogger } from './logger.js'
import type { EngineLogger } from './logger.js'
import { checkLargeNice, checkMaxPhrases, checkWorkers } from './options.js'
import { Scheduler } from './scheduler.js'
import type { Pools } from './scheduler.js'
import { Task, TaskState } from './task.js'
import type { Ticket } from './task.js'
import { WorkerPool } from './worker-pool.js'

export interface TextEngineOptions {
  /** threads for large texts, at a lower priority (one more, at normal priority, is kept for small ones); default: one per core */
  readonly workers?: number | undefined
  /**
   * added to the large-text threads' nice value on Linux; default 10, so CFS gives a nice-0 thread
   * (the small-text thread, the engine's event loop, the service) ~9 times their share of a
   * contended core (weights 1024 and 110). 0 when other work at normal priority shares the cores
   * and large texts must keep pace with it (a test suite running files side by side)
   */
  readonly largeNice?: number | undefined
  readonly maxPhrases?: number | undefined
  readonly log?: EngineLogger | undefined
}

/*
 * The collection window. The service sends a text's three calls at once on three connections; on
 * an idle loopback their bodies are complete within 0.3 ms of each other (p50; 1.5 ms worst of 50),
 * but with this 2-core VM loaded 4× over, one triple in five came more than 5 ms apart. A task waits
 * up to this long for the other kinds, and not at all once all three are in, so the service's calls
 * pay nothing, and a caller of one endpoint alone pays 10 ms. A sibling later than that starts a
 * second task (counted as `late`). The alternative, computing all three kinds for every task,
 * would make a caller of the summary alone pay for the entities and phrases too. On 49 000
 * characters, entities took 466 ms against 26 ms for a summary when this was written (15 times);
 * since the engine's quality work, all three kinds together take about twice a summary alone
 * (medians of 40 texts: 49 ms against 25 ms without its wait for siblings). Still a caller of one
 * kind would pay, and be priced (and refused), for work it did not ask for.
 */
export const COLLECT_WINDOW_MS = 10
// Entries live while their task is queued or running; past this many, new tasks simply are not shared.
const MAX_SHARED = 1024

export class TextEngine {
  /** threads the engine runs once all have loaded: one per large slot and one for small texts */
  readonly threads: number
  /**
   * The small-text thread has loaded the models, so texts can be analysed; rejects with
   * EngineStartError if it could not, unless close() came first.
   */
  readonly ready: Promise<void>
  readonly #pools: Pools
  readonly #cost = new CostModel()
  readonly #scheduler: Scheduler
  readonly #maxPhrases: number | undefined
  readonly #shared = new Map<string, Task>()
  readonly #windows = new Map<Task, NodeJS.Timeout>()
  readonly #log: EngineLogger
  readonly #began: number
  #sharedRequests = 0
  #late = 0
  #refused = 0
  #closed: Promise<void> | undefined

  /**
   * Starts the threads and returns at once: work is accepted now and waits for the threads, which
   * load the models in the background, the small-text one first (~1 s of a core each from dist,
   * 3–4 s under tap's TypeScript loader: waiting for them before listening made the service's
   * plugin start time out).
   */
  static start (opts: TextEngineOptions = {}): TextEngine {
    const workers = checkWorkers(opts.workers) ?? availableParallelism()
    const maxPhrases = checkMaxPhrases(opts.maxPhrases)
    return new TextEngine(workers, checkLargeNice(opts.largeNice), maxPhrases, opts.log ?? silentLogger)
  }

  private constructor (workers: number, largeNice: number, maxPhrases: number | undefined, log: EngineLogger) {
    const began = performance.now()
    this.threads = workers + 1
    this.#maxPhrases = maxPhrases
    this.#pools = {
      small: new WorkerPool(1, { nice: 0, calibrate: false }, log),
      // where the large texts, which admission mostly prices, run
      large: new WorkerPool(workers, { nice: largeNice, calibrate: true }, log)
    }
    this.#scheduler = new Scheduler({ pools: this.#pools, cost: this.#cost, maxPhrases, log, startLarge: () => this.#startLarge() })
    this.#log = log
    this.#began = began
    // The small-text thread alone first: loading every thread at once made it ready in 15 s instead
    // of 5-8 under tap on this VM, whose loader runs a thread per worker that no nice value reaches.
    this.ready = this.#pools.small.warm().catch((err: unknown) => this.#failed(err))
    // Observed here too, so a caller that never awaits it does not crash the process.
    this.ready.catch(() => {})
  }

  #startLarge (): void {
    this.#pools.large.warm().catch((err: unknown) => this.#failed(err)).then(() => {
      if (this.#closed !== undefined) return
      this.#log.info({ threads: this.threads, warmUpMsPerChar: this.#cost.warmUpMsPerChar, ms: Math.round(performance.now() - this.#began) }, 'text engine threads ready')
    }, (err: unknown) => this.#log.error({ err }, 'text engine threads failed to load'))
  }

  #failed (err: unknown): void {
    // threads terminated by close() while they loaded: not a failure to start
    if (this.#closed !== undefined) return
    throw new EngineStartError(`its worker threads could not load the analyses: ${(err as Error).message}`)
  }

  /**
   * Joins the task already open for this text when it can serve `kind`, or opens one; refuses
   * instead, at once, when a deadline (ms from now) is given and the estimate exceeds it.
   *
   * The estimate prices the request as if its text were asked for all three kinds, whatever it
   * asks, so a text's three calls are admitted or refused together. Priced by its own kind, the
   * first call of a text (a cheap summary) got in and its siblings did not: 22 of 600 calls were
   * answered in the flood bench, spread over 12 texts, and the window cannot gather them when 600
   * bodies take the event loop 2.5 s to read. A caller of one kind alone is thereby refused up to
   * one analysis earlier than it needs; the work itself is still only the kinds asked for.
   */
  submit (text: string, kind: AnalysisKind, deadlineMs?: number): Ticket {
    if (this.#closed !== undefined) throw new Error('the text engine is closed')
    // What was admitted before and can no longer finish goes first: it is not work ahead of this one.
    this.#scheduler.shed()
    const key = this.#keyOf(text)
    const open = this.#shared.get(key)
    const joining = open?.serves(kind) === true ? open : undefined
    if (open !== undefined && joining === undefined) this.#late++

    // No figure yet (no large-text thread has timed its warm-up): nothing to refuse on.
    let promisedMs: number | undefined
    if (deadlineMs !== undefined && this.#cost.measured) {
      const [waitMs, ownMs] = this.#estimate(text, joining)
      const refusal = refusalOf(waitMs, ownMs, deadlineMs)
      if (refusal !== undefined) {
        this.#refused++
        return refusedTicket(refusal)
      }
      promisedMs = waitMs + ownMs
    }

    const task = joining ?? this.#open(key, text)
    if (joining !== undefined) this.#sharedRequests++
    if (promisedMs !== undefined) task.promisedAt ??= performance.now() + promisedMs
    const ticket = task.join(kind, deadlineMs === undefined ? Infinity : performance.now() + deadlineMs)
    if (task.state === TaskState.COLLECTING && task.kinds.length === endpointKinds.length) this.#seal(task)
    return ticket
  }

  stats (): EngineStats {
    const small = this.#scheduler.lane(Lane.SMALL)
    const large = this.#scheduler.lane(Lane.LARGE)
    return {
      workers: this.#scheduler.workers,
      busy: this.#scheduler.busy,
      queued: small.queued + large.queued,
      backlogChars: small.queuedChars + small.runningChars + large.queuedChars + large.runningChars,
      msPerChar: this.#cost.msPerChar,
      warmUpMsPerChar: this.#cost.warmUpMsPerChar,
      ...this.#scheduler.counts,
      shared: this.#sharedRequests,
      late: this.#late,
      refused: this.#refused,
      lanes: { small: { ...small, maxChars: SMALL_TEXT_MAX_CHARS }, large }
    }
  }

  /** Cancels what waits or runs and terminates the threads; safe to call twice. */
  close (): Promise<void> {
    this.#closed ??= (async () => {
      for (const timer of this.#windows.values()) clearTimeout(timer)
      this.#windows.clear()
      this.#scheduler.close()
      this.#shared.clear()
      await Promise.all([this.#pools.small.destroy(), this.#pools.large.destroy()])
    })()
    return this.#closed
  }

  #open (key: string, text: string): Task {
    const unlist = (): void => {
      this.#clearWindow(task)
      if (this.#shared.get(key) === task) this.#shared.delete(key)
    }
    const task: Task = new Task(text, {
      // at once, not when it stops: a request for the same text must not join a cancelled task
      abandoned: () => {
        unlist()
        this.#scheduler.cancel(task)
      },
      settled: unlist
    })
    // A running task that lacks this kind stays with its waiters, unlisted; the new one takes its key.
    if (this.#shared.has(key) || this.#shared.size < MAX_SHARED) this.#shared.set(key, task)
    this.#scheduler.add(task)
    this.#windows.set(task, setTimeout(() => this.#seal(task), COLLECT_WINDOW_MS))
    return task
  }

  #seal (task: Task): void {
    this.#clearWindow(task)
    task.seal()
    this.#scheduler.pump()
  }

  #clearWindow (task: Task): void {
    clearTimeout(this.#windows.get(task))
    this.#windows.delete(task)
  }

  /**
   * [ms of work ahead, ms of its own] for a request on `text`: a new task's own cost is all three
   * kinds'; a running task's is what remains of it; a waiting task already admitted a request with
   * that price, so its siblings get the same promise (re-priced, as the cost figure moved with the
   * tasks finishing meanwhile, a text's later calls were refused after its first was admitted).
   */
  #estimate (text: string, joining: Task | undefined): [number, number] {
    const now = performance.now()
    const lane = joining?.lane ?? laneOf(text.length)
    const slowdown = this.#scheduler.slowdown(lane, now)
    const ownMs = this.#cost.estimateMs(text.length, endpointKinds) * slowdown
    if (joining === undefined) return [this.#scheduler.waitMs(lane), ownMs]
    if (joining.state === TaskState.RUNNING) return [Math.max(0, joining.estimateMs * slowdown - (now - joining.startedAt)), 0]
    if (joining.promisedAt !== undefined) return [Math.max(0, joining.promisedAt - now), 0]
    return [this.#scheduler.waitMs(lane, joining), ownMs]
  }

  // The text and the options that change its answer; a digest, so the map holds no second copy of the text.
  #keyOf (text: string): string {
    return createHash('sha256').update(String(this.#maxPhrases ?? '')).update('\u0000').update(text).digest('base64')
  }
}
