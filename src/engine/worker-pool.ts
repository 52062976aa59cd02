// The worker threads that run the analyses (piscina), and which of them have loaded the models.
import { once } from 'node:events'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import type { EngineLogger } from './logger.js'
import type { Calibration } from './warm-up.js'
import type { AnalysisOutcome, AnalysisTask } from './worker.js'

// worker.js next to the compiled files, worker.ts next to the sources under tap. Threads inherit
// process.execArgv (piscina passes no execArgv of its own), and with it tap's TypeScript loader.
const WORKER = fileURLToPath(new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url))

/** Whoever creates it destroys it. */
export class WorkerPool {
  readonly #piscina: Piscina<AnalysisTask, AnalysisOutcome>
  readonly #size: number
  // thread ids; piscina reports a replacement thread only once it has loaded worker.ts
  readonly #ready = new Set<number>()
  #onReady: () => void = () => {}
  // threads terminated by an abort: piscina forgets them at once, but they exit a moment later
  readonly #exiting = new Set<Promise<unknown>>()

  /** `nice`: added to each thread's nice value on Linux (see thread-priority.ts); 0 leaves it. */
  constructor (threads: number, nice: number, log: EngineLogger) {
    this.#size = threads
    this.#piscina = new Piscina<AnalysisTask, AnalysisOutcome>({
      filename: WORKER, minThreads: threads, maxThreads: threads, idleTimeout: Infinity, workerData: { nice }
    })
    this.#piscina.on('workerCreate', (worker: { id: number }) => {
      this.#ready.add(worker.id)
      this.#onReady()
    })
    this.#piscina.on('workerDestroy', (worker: { id: number }) => { this.#ready.delete(worker.id) })
    // A thread that dies with no task on it; without a listener the process would crash.
    this.#piscina.on('error', (err: Error) => log.error({ err }, 'text engine worker failed'))
  }

  /** Threads ready for a task, busy or not. */
  get ready (): number { return this.#ready.size }

  /** Called when a thread (a replacement too) becomes ready. */
  set onReady (listener: () => void) { this.#onReady = listener }

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

  /** Resolves once every thread has loaded the models: one task each, as a thread takes one at a time. */
  async warm (): Promise<void> {
    await Promise.all(Array.from({ length: this.#size }, () => this.#piscina.run(undefined as never, { name: 'ready' })))
  }

  /** The analyses timed on one thread. */
  async calibrate (): Promise<Calibration> {
    return await (this.#piscina.run(undefined as never, { name: 'calibrate' }) as Promise<unknown>) as Calibration
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
