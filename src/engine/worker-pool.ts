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

/** Whoever creates it destroys it. */
export class WorkerPool {
  readonly #piscina: Piscina<AnalysisTask, AnalysisOutcome>
  readonly #size: number
  // Thread ids. Piscina reports a replacement thread once it has loaded worker.ts, but the first
  // threads at once, as it creates them: those count when their warm() task answers.
  readonly #ready = new Set<number>()
  readonly #first: ReadonlySet<number>
  #onReady: (calibration?: Calibration) => void = () => {}
  // threads terminated by an abort: piscina forgets them at once, but they exit a moment later
  readonly #exiting = new Set<Promise<unknown>>()

  /** `nice`: added to each thread's nice value on Linux (see thread-priority.ts); 0 leaves it. */
  constructor (threads: number, nice: number, log: EngineLogger) {
    this.#size = threads
    this.#piscina = new Piscina<AnalysisTask, AnalysisOutcome>({
      filename: WORKER, minThreads: threads, maxThreads: threads, idleTimeout: Infinity, workerData: { nice }
    })
    this.#first = new Set(this.#piscina.threads.map((thread) => thread.threadId))
    this.#piscina.on('workerCreate', (worker: { id: number }) => {
      if (this.#first.has(worker.id)) return
      this.#ready.add(worker.id)
      this.#onReady()
    })
    this.#piscina.on('workerDestroy', (worker: { id: number }) => { this.#ready.delete(worker.id) })
    // A thread that dies with no task on it; without a listener the process would crash.
    this.#piscina.on('error', (err: Error) => log.error({ err }, 'text engine worker failed'))
  }

  /** Threads ready for a task, busy or not. */
  get ready (): number { return this.#ready.size }

  /** Called when a thread (a replacement too) becomes ready; with its warm-up's timings for a first thread. */
  set onReady (listener: (calibration?: Calibration) => void) { this.#onReady = listener }

  run (task: AnalysisTask, signal: AbortSignal): Promise<AnalysisOutcome> {
    return this.#piscina.run(task, { signal })
  }

  /** Aborts a running task's signal, which makes piscina terminate its thread and start another. */
  terminate (abort: AbortController, reason: Error): void {
    const before = this.#piscina.threads
    abort.abort(reason)
    const after = new Set(this.#piscina.threads)
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
    await Promise.all(Array.from({ length: this.#size }, async () => {
      const { threadId, calibration } = await (this.#piscina.run(undefined as never, { name: 'ready' }) as Promise<unknown>) as Readiness
      this.#ready.add(threadId)
      this.#onReady(calibration)
    }))
  }

  /**
   * Terminates every thread, rejecting what runs on them. Threads terminated earlier are waited
   * for first: their exit, arriving after piscina's destroy(), would make it start new ones.
   */
  async destroy (): Promise<void> {
    await Promise.all(this.#exiting)
    await this.#piscina.destroy()
  }
}
