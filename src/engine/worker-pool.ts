// The worker threads that run the analyses (piscina), and which of them have loaded the models.
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

  /** Resolves once every thread has loaded the models: one task each, as a thread takes one at a time. */
  async warm (): Promise<void> {
    await Promise.all(Array.from({ length: this.#size }, () => this.#piscina.run(undefined as never, { name: 'ready' })))
  }

  /** The analyses timed on one thread. */
  async calibrate (): Promise<Calibration> {
    return await (this.#piscina.run(undefined as never, { name: 'calibrate' }) as Promise<unknown>) as Calibration
  }

  /** Terminates every thread; tasks still running must have been aborted first, or their promises never settle. */
  async destroy (): Promise<void> {
    await this.#piscina.destroy()
  }
}
