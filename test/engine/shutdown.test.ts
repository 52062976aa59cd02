// Closing the engine: every worker thread ends, what was queued or running is cancelled, nothing is left behind.
import { readdirSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { CostModel } from '../../src/engine/cost-model.js'
import { AnalysisCancelledError } from '../../src/engine/errors.js'
import { silentLogger } from '../../src/engine/logger.js'
import { BACKSTOP_MS, Scheduler } from '../../src/engine/scheduler.js'
import { Task } from '../../src/engine/task.js'
import { TextEngine } from '../../src/engine/text-engine.js'
import { WorkerPool } from '../../src/engine/worker-pool.js'
import { prose, waitFor } from '../helpers/engine.js'

/** The process's OS threads: each worker thread is one (with its loader's under tap). Linux. */
const threads = (): number => readdirSync('/proc/self/task').length
// file requests come and go with the runner's own work
const handles = (): string[] => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && !r.startsWith('FSReq')).sort()
// libuv starts its thread pool on the first asynchronous file operation: before any baseline.
await stat('.')

t.test('close() cancels queued and running analyses, ends every worker thread and leaves no timer or handle', async (t) => {
  const baseThreads = threads()
  const baseHandles = handles()
  const engine = TextEngine.start({ workers: 1 })
  t.ok(threads() > baseThreads, `${threads() - baseThreads} more OS threads as it starts`)

  const running = engine.submit(prose(49_000, 1), 'ner')
  const queued = engine.submit(prose(49_000, 2), 'ner')
  // the large-text thread loads first, at its lower priority: slow on a busy machine under tap
  await waitFor('the first text to run', () => engine.stats().lanes.large.running === 1, 120_000)
  // in the same tick as close(): still in its collection window
  const collecting = engine.submit(prose(400, 3), 'summarize')
  const outcomes = [running, queued, collecting].map((ticket) => ticket.result.then(() => 'answered', (err: Error) => err))
  await engine.close()
  for (const outcome of await Promise.all(outcomes)) t.type(outcome, AnalysisCancelledError)
  await engine.close()
  t.throws(() => engine.submit('Too late.', 'ner'), /closed/u)

  // A terminated thread's OS thread is joined a moment after its 'exit' event.
  await waitFor('the worker threads to end', () => threads() <= baseThreads, 10_000).catch(() => {})
  t.equal(threads(), baseThreads, 'no worker thread left')
  t.same(handles(), baseHandles, 'no timer, port or handle left')
})

t.test('a task deaf to its cancellation: the backstop terminates its thread, and destroying the pools right after leaves no thread, not even a replacement', async (t) => {
  // Every real analysis reaches a checkpoint within a few ms and stops by itself, so the backstop
  // needs a thread that never does; the scheduler, the pools and their threads are the engine's own.
  const baseThreads = threads()
  const stuck = fileURLToPath(new URL('./fixtures/stuck-worker.mjs', import.meta.url))
  const pools = {
    small: new WorkerPool(1, { nice: 0, calibrate: false }, silentLogger, stuck),
    large: new WorkerPool(1, { nice: 0, calibrate: false }, silentLogger, stuck)
  }
  // a thread still loading when destroyed rejects its warm-up, which TextEngine ignores once closed
  const startLarge = (): void => { pools.large.warm().catch(() => {}) }
  const scheduler = new Scheduler({ pools, cost: new CostModel(), maxPhrases: undefined, log: silentLogger, startLarge })
  await pools.small.warm()
  const task: Task = new Task('Grace Hopper joined the Navy in 1943.', { abandoned: () => scheduler.cancel(task), settled: () => {} })
  scheduler.add(task)
  const ticket = task.join('ner', Infinity)
  task.seal()
  scheduler.pump()
  await waitFor('the task to run', () => scheduler.busy === 1)
  const leftAt = performance.now()
  ticket.leave()
  await t.rejects(ticket.result, AnalysisCancelledError, 'its caller is answered at once')
  await waitFor('the backstop', () => scheduler.busy === 0)
  t.equal(scheduler.counts.terminated, 1, 'its thread was terminated')
  t.ok(performance.now() - leftAt >= BACKSTOP_MS - 1, 'not before the backstop\'s time')
  t.equal(scheduler.counts.cancelled, 1, 'counted as cancelled, not failed')
  // as TextEngine.close(): piscina starts a replacement when the terminated thread exits
  scheduler.close()
  await Promise.all([pools.small.destroy(), pools.large.destroy()])
  await waitFor('the worker threads to end', () => threads() <= baseThreads, 10_000).catch(() => {})
  t.equal(threads(), baseThreads, 'no worker thread left, not even a replacement')
})
