// One analysis of one text: the short-lived shared document every request for that text, any kind, waits on.
import type { AnalysisBodies, AnalysisKind } from './analyses/index.js'
import { createCancelFlag } from './cancel-flag.js'
import { endpointKinds } from './endpoints.js'
import { AnalysisCancelledError } from './errors.js'
import { laneOf } from './lane.js'
import type { Lane } from './lane.js'

export const TaskState = {
  /** open for more kinds, not yet eligible to run: the collection window */
  COLLECTING: 'collecting',
  /** eligible to run; kinds can still be added */
  QUEUED: 'queued',
  /** on a worker; its kinds are fixed */
  RUNNING: 'running',
  SETTLED: 'settled'
} as const
export type TaskState = typeof TaskState[keyof typeof TaskState]

interface Waiter {
  readonly kind: AnalysisKind
  resolve (body: object): void
  reject (err: Error): void
}

export interface Ticket {
  /**
   * the kind's contract body; rejects with EngineOverloadedError if refused, AnalysisCancelledError
   * once left or when the engine closes, or the analysis's own error
   */
  readonly result: Promise<object>
  /** the request has gone: stop waiting, and cancel the task if nobody else waits */
  leave (): void
}

export interface TaskListeners {
  /** every waiter has left before it settled */
  abandoned (task: Task): void
  /** answered, failed or cancelled: nobody can wait on it any more */
  settled (task: Task): void
}

export class Task {
  readonly text: string
  readonly lane: Lane
  readonly flag = createCancelFlag()
  state: TaskState = TaskState.COLLECTING
  /** performance.now() when it went to a worker */
  startedAt = 0
  /** ms: for all kinds until it starts, then for the kinds it computes (see Scheduler) */
  estimateMs = 0
  /** performance.now() by which admission said it would be done, once a request with a deadline got in */
  promisedAt: number | undefined
  /**
   * performance.now() by which its last waiter must be answered: the latest of their deadlines,
   * Infinity once one came without a deadline (see Scheduler.shed)
   */
  deadlineAt = -Infinity
  #kinds: readonly AnalysisKind[] = []
  readonly #waiters = new Set<Waiter>()
  readonly #listeners: TaskListeners

  constructor (text: string, listeners: TaskListeners) {
    this.text = text
    this.lane = laneOf(text.length)
    this.#listeners = listeners
  }

  get chars (): number { return this.text.length }

  /** Running: the kinds it computes. Before: the kinds its waiters want, in the contract's order. */
  get kinds (): readonly AnalysisKind[] {
    if (this.state === TaskState.RUNNING || this.state === TaskState.SETTLED) return this.#kinds
    const wanted = new Set([...this.#waiters].map((w) => w.kind))
    return endpointKinds.filter((kind) => wanted.has(kind))
  }

  /** Whether a request for `kind` can wait on this task rather than start another. */
  serves (kind: AnalysisKind): boolean {
    if (this.state === TaskState.SETTLED) return false
    return this.state !== TaskState.RUNNING || this.#kinds.includes(kind)
  }

  /** `deadlineAt`: a performance.now() time, or Infinity for a request without a deadline. */
  join (kind: AnalysisKind, deadlineAt: number): Ticket {
    this.deadlineAt = Math.max(this.deadlineAt, deadlineAt)
    let waiter!: Waiter
    const result = new Promise<object>((resolve, reject) => { waiter = { kind, resolve, reject } })
    this.#waiters.add(waiter)
    return {
      result,
      leave: () => {
        if (!this.#waiters.delete(waiter)) return
        waiter.reject(new AnalysisCancelledError())
        if (this.#waiters.size === 0 && this.state !== TaskState.SETTLED) this.#listeners.abandoned(this)
      }
    }
  }

  /** The collection window is over: it may run. */
  seal (): void {
    if (this.state === TaskState.COLLECTING) this.state = TaskState.QUEUED
  }

  start (): readonly AnalysisKind[] {
    this.#kinds = this.kinds
    this.state = TaskState.RUNNING
    this.startedAt = performance.now()
    return this.#kinds
  }

  /** Each waiter gets its kind's body. */
  succeed (bodies: AnalysisBodies): void {
    this.#settle((waiter) => {
      const body = bodies[waiter.kind]
      if (body === undefined) waiter.reject(new Error(`the analysis returned no ${waiter.kind}`))
      else waiter.resolve(body)
    })
  }

  fail (err: Error): void {
    this.#settle((waiter) => waiter.reject(err))
  }

  #settle (answer: (waiter: Waiter) => void): void {
    if (this.state === TaskState.SETTLED) return
    this.state = TaskState.SETTLED
    for (const waiter of this.#waiters) answer(waiter)
    this.#waiters.clear()
    this.#listeners.settled(this)
  }
}
