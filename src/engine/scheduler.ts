// Runs tasks in two FIFO lanes on two pools: a thread for small texts, and lower-priority threads for large ones.
import type { AnalysisKind } from './analyses/index.js'
import { raise } from './cancel-flag.js'
import type { CostModel } from './cost-model.js'
import { endpointKinds } from './endpoints.js'
import { refusalOf } from './admission.js'
import { AnalysisCancelledError, EngineOverloadedError } from './errors.js'
import { Lane } from './lane.js'
import type { EngineLogger } from './logger.js'
import { TaskState } from './task.js'
import type { Task } from './task.js'
import type { Calibration } from './warm-up.js'
import type { WorkerPool } from './worker-pool.js'

/*
 * Hand-written on top of piscina, which still owns the threads, the messages, and the termination
 * of a thread whose task is aborted. Piscina's pluggable taskQueue decides which task a free thread
 * takes next, never whether it may take one, and one pool's threads share one priority.
 *
 * With whole-text tasks, a size-aware queue alone cannot help a small text once every thread is busy
 * with a large one (10 large texts on 2 threads: a small one waited 2.8–4 s). So there are two pools:
 *  - `small`: one thread at normal priority that never takes a large text;
 *  - `large`: one thread per core, niced (Linux), so while they and the small thread all run, the
 *    cores go to the small one, the engine's event loop and the service first. Measured with ten
 *    large texts in flight on this 2-core VM: a small text's p50/p99 was 71/137 ms with all threads
 *    at one priority, and a thread replaced after a cancellation (it reloads the models: ~1 s of a
 *    core) delayed the next small text by 150–300 ms;
 *  - a small text may also take an idle large thread when no large text waits, and a large text
 *    the small-text thread while no large-text thread has loaded yet (at start-up);
 *  - each lane is FIFO, so the backlog ahead of a task only shrinks: the admission estimate holds.
 */

/**
 * ms from raising a running task's cancel flag to terminating its thread: long enough for analyses
 * that reach a checkpoint every few ms to stop by themselves (so the backstop costs nothing), short
 * enough that abandoned work stops within 100 ms: with 75 the bench measured 93-116 ms from the
 * client's abort to no thread busy. A terminated thread is replaced, and the new one loads the
 * models again (~1 s of a core here), at its pool's priority.
 */
export const BACKSTOP_MS = 50

export interface Pools {
  readonly small: WorkerPool
  readonly large: WorkerPool
}

export interface SchedulerOptions {
  readonly pools: Pools
  readonly cost: CostModel
  readonly maxPhrases: number | undefined
  readonly log: EngineLogger
  /** starts the large-text threads, which load after the small-text one (see pump) */
  readonly startLarge: () => void
}

export interface LaneStats {
  /** threads this lane can count on */
  readonly workers: number
  readonly running: number
  readonly queued: number
  readonly runningChars: number
  readonly queuedChars: number
}

interface Run {
  readonly pool: WorkerPool
  readonly abort: AbortController
  backstop: NodeJS.Timeout | undefined
}

export class Scheduler {
  readonly counts = { completed: 0, cancelled: 0, failed: 0, terminated: 0, shed: 0 }
  readonly #pools: Pools
  readonly #cost: CostModel
  readonly #maxPhrases: number | undefined
  readonly #log: EngineLogger
  readonly #startLarge: () => void
  readonly #queues: Record<Lane, Task[]> = { [Lane.SMALL]: [], [Lane.LARGE]: [] }
  readonly #running = new Map<Task, Run>()
  #closed = false

  constructor (opts: SchedulerOptions) {
    this.#pools = opts.pools
    this.#cost = opts.cost
    this.#maxPhrases = opts.maxPhrases
    this.#log = opts.log
    this.#startLarge = opts.startLarge
    // A thread counts once it has loaded the models, not while it loads them; a timed warm-up gives
    // the cost model a figure, and what queued meanwhile is priced with it.
    for (const pool of Object.values(this.#pools)) {
      pool.onReady((calibration?: Calibration) => {
        if (calibration !== undefined) {
          this.#cost.warmedUp(calibration)
          for (const task of [...this.#queues.small, ...this.#queues.large]) this.#price(task)
        }
        this.pump()
      })
    }
  }

  /** Threads ready for a task, busy or not. */
  get workers (): number { return this.#pools.small.ready + this.#pools.large.ready }
  get busy (): number { return this.#running.size }

  /** Queued in arrival order; it runs once sealed (see pump). */
  add (task: Task): void {
    this.#price(task)
    this.#queues[task.lane].push(task)
  }

  /** Starts whatever the rules allow, once what can no longer finish in time is shed; call when a task is sealed or a thread frees. */
  pump (): void {
    const { small: smallPool, large: largePool } = this.#pools
    if (!this.#closed) this.shed()
    while (!this.#closed) {
      const small = this.#next(Lane.SMALL)
      const large = this.#next(Lane.LARGE)
      if (small !== undefined && this.#idle(smallPool) > 0) this.#start(small, smallPool)
      else if (large !== undefined && this.#idle(largePool) > 0) this.#start(large, largePool)
      else if (small !== undefined && this.#idle(largePool) > 0) this.#start(small, largePool)
      // At start-up the large-text threads load after the small-text one: until the first has,
      // a large text takes the small-text thread rather than wait seconds for nothing.
      else if (large !== undefined && !largePool.loaded && this.#idle(smallPool) > 0) this.#start(large, smallPool)
      else break
    }
    // They start loading once the small-text thread has, and then only when nothing runs or a
    // large text waits for a thread: under tap, loading them while the first large text ran on
    // the small-text thread made it take 3.7 s instead of ~1.
    if (!this.#closed && !largePool.started && smallPool.loaded && (this.#running.size === 0 || this.#next(Lane.LARGE) !== undefined)) {
      this.#startLarge()
    }
  }

  /** Abandoned: dropped if it has not started, stopped if it has. */
  cancel (task: Task): void {
    if (task.state === TaskState.RUNNING) {
      const run = this.#running.get(task)
      if (run === undefined || run.backstop !== undefined) return
      raise(task.flag)
      run.backstop = setTimeout(() => {
        this.counts.terminated++
        this.#log.warn({ chars: task.chars, kinds: task.kinds, afterMs: BACKSTOP_MS }, 'text analysis ignored its cancellation; terminating its worker')
        run.pool.terminate(run.abort, new AnalysisCancelledError())
      }, BACKSTOP_MS)
      return
    }
    if (task.state === TaskState.SETTLED) return
    const queue = this.#queues[task.lane]
    queue.splice(queue.indexOf(task), 1)
    this.counts.cancelled++
    task.fail(new AnalysisCancelledError())
  }

  /** ms of work ahead of a new task in `lane`, or ahead of `task` if given, spread over the lane's threads. */
  waitMs (lane: Lane, task?: Task): number {
    const now = performance.now()
    const slowdown = this.slowdown(lane, now)
    let ms = this.#runningMs(lane, now, slowdown)
    for (const queued of this.#queues[lane]) {
      if (queued === task) break
      ms += queued.estimateMs * slowdown
    }
    return ms / this.#laneWorkers(lane)
  }

  /**
   * How many times slower than estimated the large lane runs now, at least: with every large-text
   * thread busy, the least overrun among their tasks (each has taken that much longer than its
   * estimate and is not done), else 1. The cost model learns from completed tasks only, and a flood
   * is admitted before any of its tasks completes: in CI the other test file's processes took most
   * of the (niced) threads' cores, tasks ran ten times their estimate, and all 15 admitted texts
   * timed out. The least overrun, not one task's, so one hostile text (28 times slower per
   * character than prose) beside an ordinary one moves nothing; two at once refuse large texts with
   * deadlines for as long as they run (under 2 s each). The small lane has its own thread, unniced.
   */
  slowdown (lane: Lane, now = performance.now()): number {
    if (lane !== Lane.LARGE) return 1
    let running = 0
    let least = Infinity
    for (const task of this.#running.keys()) {
      if (task.lane !== Lane.LARGE || task.estimateMs <= 0) continue
      running++
      least = Math.min(least, (now - task.startedAt) / task.estimateMs)
    }
    return running > 0 && running >= this.#pools.large.ready ? Math.max(1, least) : 1
  }

  /**
   * Refuses (503 OVERLOADED) every queued task that, by the estimate now, would be done after its
   * deadline: once a slowdown shows or the cost figure rises, work admitted on the old figure is
   * dropped before it takes a thread, instead of running to be thrown away at its deadline (while
   * delaying what can still make its own). A task any request waits on without a deadline stays.
   */
  shed (): void {
    const now = performance.now()
    for (const lane of [Lane.SMALL, Lane.LARGE]) {
      const queue = this.#queues[lane]
      if (queue.length === 0) continue
      const slowdown = this.slowdown(lane, now)
      const workers = this.#laneWorkers(lane)
      let aheadMs = this.#runningMs(lane, now, slowdown)
      for (const task of [...queue]) {
        const ownMs = task.estimateMs * slowdown
        const refusal = refusalOf(aheadMs / workers, ownMs, task.deadlineAt - now, 1)
        if (refusal === undefined) {
          aheadMs += ownMs
          continue
        }
        queue.splice(queue.indexOf(task), 1)
        this.counts.shed++
        task.fail(new EngineOverloadedError(refusal))
      }
    }
  }

  lane (lane: Lane): LaneStats {
    let running = 0
    let runningChars = 0
    for (const task of this.#running.keys()) {
      if (task.lane !== lane) continue
      running++
      runningChars += task.chars
    }
    const queue = this.#queues[lane]
    return { workers: this.#laneWorkers(lane), running, queued: queue.length, runningChars, queuedChars: queue.reduce((sum, t) => sum + t.chars, 0) }
  }

  /**
   * Fails what waits and flags what runs; the pools' destroy(), next, terminates those threads and
   * rejects their tasks, which then count as cancelled.
   */
  close (): void {
    this.#closed = true
    for (const queue of Object.values(this.#queues)) {
      for (const task of queue.splice(0)) {
        this.counts.cancelled++
        task.fail(new AnalysisCancelledError())
      }
    }
    for (const [task, run] of this.#running) {
      clearTimeout(run.backstop)
      raise(task.flag)
    }
    for (const pool of Object.values(this.#pools)) pool.onReady(() => {})
  }

  /**
   * Until it runs, a task is priced as if asked for all three kinds, as admission prices requests
   * (see TextEngine.submit): priced by the kinds gathered so far, a flood's tasks counted as cheap
   * summaries whose siblings had not yet arrived, and 28 of 40 admitted calls finished after their
   * deadline in the flood bench.
   */
  #price (task: Task): void {
    task.estimateMs = this.#cost.estimateMs(task.chars, endpointKinds)
  }

  #next (lane: Lane): Task | undefined {
    // Tasks still collecting kinds are passed over, not waited for: their window is a few ms.
    return this.#queues[lane].find((task) => task.state === TaskState.QUEUED)
  }

  /** ms left of the tasks running in `lane`, by their estimates times `slowdown`. */
  #runningMs (lane: Lane, now: number, slowdown: number): number {
    let ms = 0
    for (const running of this.#running.keys()) {
      if (running.lane === lane) ms += Math.max(0, running.estimateMs * slowdown - (now - running.startedAt))
    }
    return ms
  }

  #idle (pool: WorkerPool): number {
    let busy = 0
    for (const run of this.#running.values()) if (run.pool === pool) busy++
    return pool.ready - busy
  }

  /** Large: the large pool. Small: its own thread, and the large threads no large text holds. */
  #laneWorkers (lane: Lane): number {
    const { small, large } = this.#pools
    if (lane === Lane.LARGE) return Math.max(1, large.ready)
    let runningLarge = 0
    for (const task of this.#running.keys()) if (task.lane === Lane.LARGE) runningLarge++
    return Math.max(1, small.ready + Math.max(0, large.ready - runningLarge))
  }

  #start (task: Task, pool: WorkerPool): void {
    const queue = this.#queues[task.lane]
    queue.splice(queue.indexOf(task), 1)
    const kinds: readonly AnalysisKind[] = task.start()
    task.estimateMs = this.#cost.estimateMs(task.chars, kinds)
    const run: Run = { pool, abort: new AbortController(), backstop: undefined }
    this.#running.set(task, run)
    pool.run({ text: task.text, kinds, maxPhrases: this.#maxPhrases, flag: task.flag }, run.abort.signal)
      .then((outcome) => {
        if (outcome.status === 'done') {
          this.counts.completed++
          this.#cost.record(task.chars, kinds, outcome.ms)
          task.succeed(outcome.bodies)
        } else {
          this.counts.cancelled++
          task.fail(new AnalysisCancelledError())
        }
      }, (err: Error) => {
        if (run.abort.signal.aborted || this.#closed) {
          this.counts.cancelled++
          task.fail(new AnalysisCancelledError())
          return
        }
        this.counts.failed++
        this.#log.error({ err, chars: task.chars, kinds }, 'text analysis failed')
        task.fail(err)
      })
      .finally(() => {
        clearTimeout(run.backstop)
        this.#running.delete(task)
        this.pump()
      })
  }
}
