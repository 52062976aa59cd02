// Closing the engine: every worker thread ends, what was queued or running is cancelled, nothing is left behind.
import { readdirSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import t from 'tap'
import { AnalysisCancelledError } from '../../src/engine/errors.js'
import { TextEngine } from '../../src/engine/text-engine.js'
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

t.test('close() right after the backstop terminated a thread still leaves no thread behind', async (t) => {
  const baseThreads = threads()
  const engine = TextEngine.start({ workers: 1 })
  const running = engine.submit(prose(49_000, 4), 'ner')
  const outcome = running.result.then(() => 'answered', (err: Error) => err)
  await waitFor('the text to run', () => engine.stats().lanes.large.running === 1, 120_000)
  // Past the reading of the text, into the entities: today they reach no checkpoint for a while,
  // so the backstop terminates the thread; once they do, the task stops by itself. Either way,
  // close() comes right after.
  await new Promise((resolve) => setTimeout(resolve, 200))
  running.leave()
  await waitFor('the task to stop', () => engine.stats().busy === 0)
  t.comment(`${engine.stats().terminated} thread terminated`)
  await engine.close()
  t.type(await outcome, AnalysisCancelledError)
  await waitFor('the worker threads to end', () => threads() <= baseThreads, 10_000).catch(() => {})
  t.equal(threads(), baseThreads, 'no worker thread left, not even a replacement')
})
