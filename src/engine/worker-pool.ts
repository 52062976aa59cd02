// The worker threads that run the analyses (piscina), and which of them have loaded the models.
import { once } from 'node:events'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import type { EngineLogger } from './logger.js'
import type { Calibration } from './warm-up.js'
import type { AnalysisOutcome, AnalysisTask, Readiness } from './worker.js'

// worker.js next to the compiled files, worker.ts next to the sources under tap. Threads inherit
// process.execArgv (piscina passes no execArgv of its own), and with it tap's TypeScript loader.
const WORKER = fileURLToPath(new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url))

export interface WorkerPoolOptions {
  /** added to each thread's nice value on Linux (see thread-priority.ts); 0 leaves it */
  readonly nice: number
  /** whether each thread times its warm-up for the cost model (see warm-up.ts) */
  readonly calibrate: boolean
}

/** No thread starts before warm(); whoever creates it destroys it. */
export class WorkerPool {
  #piscina: Piscina<AnalysisTask, AnalysisOutcome> | undefined
  readonly #size: number
  readonly #options: WorkerPoolOptions
  readonly #log: EngineLogger
  readonly #filename: string
  // Thread ids. Piscina reports a replacement thread once it has loaded worker.ts, but the first
  // threads at once, as it creates them: those count when their warm() task answers.
  readonly #ready = new Set<number>()
  #onReady: (calibration?: Calibration) => void = () => {}
  // threads terminated by an abort: piscina forgets them at once, but they exit a moment later
  readonly #exiting = new Set<Promise<unknown>>()
  #destroyed = false
  #loaded = false

  /**
   * `filename`: the threads' script, worker.ts's exports by default; a test gives one whose task
   * ignores its cancellation, which no real text can do, to reach the backstop (see Scheduler.cancel).
   */
  constructor (threads: number, opts: WorkerPoolOptions, log: EngineLogger, filename = WORKER) {
    this.#size = threads
    this.#options = opts
    this.#log = log
    this.#filename = filename
  }

  /** Threads ready for a task, busy or not. */
  get ready (): number { return this.#ready.size }

  /** Whether warm() has started the threads. */
  get started (): boolean { return this.#piscina !== undefined }

  /** Whether any thread has ever been ready: false while the first ones load. */
  get loaded (): boolean { return this.#loaded }

  /** Called when a thread (a replacement too) becomes ready; with its warm-up's timings for a first, timed one. */
  onReady (listener: (calibration?: Calibration) => void): void { this.#onReady = listener }

  /** Only once a thread is ready (see `ready`). */
  run (task: AnalysisTask, signal: AbortSignal): Promise<AnalysisOutcome> {
    if (this.#piscina === undefined) return Promise.reject(new Error('the pool has not started'))
    return this.#piscina.run(task, { signal })
  }

  /** Aborts a running task's signal, which makes piscina terminate its thread and start another. */
  terminate (abort: AbortController, reason: Error): void {
    const before = this.#piscina?.threads ?? []
    abort.abort(reason)
    const after = new Set(this.#piscina?.threads ?? [])
    for (const thread of before) {
      if (after.has(thread)) continue
      const exited = once(thread, 'exit').catch(() => {})
      this.#exiting.add(exited)
      void exited.then(() => this.#exiting.delete(exited))
    }
  }

  /**
   * Resolves once every first thread has loaded the models; each counts as ready as soon as it
   * has. One task each: a thread takes one at a time, so while one loads, its task keeps piscina
   * from giving it anything else.
   */
  async warm (): Promise<void> {
    if (this.#destroyed || this.#piscina !== undefined) return
    const piscina = this.#start()
    await Promise.all(Array.from({ length: this.#size }, async () => {
      const { threadId, calibration } = await (piscina.run(undefined as never, { name: 'ready' }) as Promise<unknown>) as Readiness
      this.#ready.add(threadId)
      this.#loaded = true
      this.#onReady(calibration)
    }))
  }

  /**
   * Terminates every thread, rejecting what runs on them. Threads terminated earlier are waited
   * for first: their exit, arriving after piscina's destroy(), would make it start new ones.
   */
  async destroy (): Promise<void> {
    this.#destroyed = true
    await Promise.all(this.#exiting)
    await this.#piscina?.destroy()
  }

  #start (): Piscina<AnalysisTask, AnalysisOutcome> {
    const piscina = new Piscina<AnalysisTask, AnalysisOutcome>({
      filename: this.#filename, minThreads: this.#size, maxThreads: this.#size, idleTimeout: Infinity, workerData: this.#options
    })
    const first = new Set(piscina.threads.map((thread) => thread.threadId))
    piscina.on('workerCreate', (worker: { id: number }) => {
      if (first.has(worker.id)) return
      this.#ready.add(worker.id)
      this.#onReady()
    })
    piscina.on('workerDestroy', (worker: { id: number }) => { this.#ready.delete(worker.id) })
    // A thread that dies with no task on it; without a listener the process would crash.
    piscina.on('error', (err: Error) => this.#log.error({ err }, 'text engine worker failed'))
    this.#piscina = piscina
    return piscina
  }
}
