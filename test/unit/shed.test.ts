// The scheduler's second look: a slowdown shows in the tasks running past their estimates, and queued work that can no longer meet its deadline is refused before it runs.
import t from 'tap'
import { CostModel } from '../../src/engine/cost-model.js'
import { EngineOverloadedError } from '../../src/engine/errors.js'
import { Lane } from '../../src/engine/lane.js'
import { silentLogger } from '../../src/engine/logger.js'
import { Scheduler } from '../../src/engine/scheduler.js'
import { Task } from '../../src/engine/task.js'
import type { WorkerPool } from '../../src/engine/worker-pool.js'

/**
 * A pool of `threads` loaded threads whose tasks run until the test ends them: narrow, so the
 * scheduler's arithmetic is what is tested, not piscina or the analyses.
 */
const pool = (threads: number): { pool: WorkerPool, finish: () => void } => {
  const pending: Array<() => void> = []
  const fake = {
    ready: threads,
    loaded: true,
    started: true,
    onReady () {},
    run: async () => await new Promise((resolve) => pending.push(() => resolve({ status: 'cancelled' }))),
    terminate () {}
  }
  return { pool: fake as unknown as WorkerPool, finish: () => { for (const end of pending.splice(0)) end() } }
}

// 0.01 ms a character for all three kinds, as if a thread had timed it: a 20 000-character text costs 200 ms
// queued (priced for all kinds), 120 once it runs for entities alone (reading 1 part in 5, entities 2).
const cost = (): CostModel => {
  const model = new CostModel()
  model.warmedUp({ chars: 10_000, allMs: 100, readMs: 1, kindMs: { summarize: 2, ner: 3, most_common_phrases: 2 } })
  return model
}

const setup = (largeThreads: number) => {
  const small = pool(1)
  const large = pool(largeThreads)
  const scheduler = new Scheduler({ pools: { small: small.pool, large: large.pool }, cost: cost(), maxPhrases: undefined, log: silentLogger, startLarge () {} })
  const submit = (deadlineAt: number) => {
    const task = new Task('a'.repeat(20_000), { abandoned () {}, settled () {} })
    scheduler.add(task)
    const outcome = task.join('ner', deadlineAt).result.then(() => 'answered', (err: Error) => err)
    task.seal()
    scheduler.pump()
    return { task, outcome }
  }
  return { scheduler, submit, finish: () => { small.finish(); large.finish() } }
}

t.test('queued work whose deadline the running task\'s overrun puts out of reach is refused, the rest stays', async (t) => {
  const { scheduler, submit, finish } = setup(1)
  t.teardown(finish)
  submit(Infinity) // runs on the one large thread, estimated 120 ms, and never ends by itself
  t.equal(scheduler.lane(Lane.LARGE).running, 1)
  const tight = submit(performance.now() + 1_000)
  const open = submit(Infinity)
  t.equal(scheduler.slowdown(Lane.LARGE), 1, 'nothing has overrun yet')
  scheduler.shed()
  t.equal(scheduler.counts.shed, 0, 'by the estimates, the tight one is done in 320 ms of its 1 000')

  await new Promise((resolve) => setTimeout(resolve, 700))
  // 700 ms into a 120 ms estimate: the lane runs at least 5.8 times slower than estimated, so the
  // tight task's own 200 ms is at least 1 160, past the 300 it has left
  t.ok(scheduler.slowdown(Lane.LARGE) >= 5.8, `slowdown ${scheduler.slowdown(Lane.LARGE).toFixed(2)}`)
  scheduler.shed()
  const refused = await tight.outcome
  t.type(refused, EngineOverloadedError, 'refused as overloaded')
  const refusal = (refused as EngineOverloadedError).refusal
  t.ok(refusal.deadlineMs <= 300 && refusal.estimatedMs >= 1_160, `estimated ${refusal.estimatedMs} ms against ${refusal.deadlineMs} ms left`)
  t.ok(refusal.retryAfterS >= 1)
  t.equal(scheduler.counts.shed, 1)
  const { running, queued } = scheduler.lane(Lane.LARGE)
  t.same([running, queued], [1, 1], 'one runs, one waits')
  t.equal(open.task.state, 'queued', 'the one without a deadline')
})

t.test('with a large thread idle there is no slowdown to read: one overrunning task may be a slow text, not a slow machine', async (t) => {
  const { scheduler, submit, finish } = setup(2)
  t.teardown(finish)
  submit(Infinity)
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal(scheduler.slowdown(Lane.LARGE), 1, 'one of two threads busy')
  submit(Infinity)
  t.ok(scheduler.slowdown(Lane.LARGE) >= 1 && scheduler.slowdown(Lane.LARGE) < 2, 'both busy: the least overrun counts, the new task\'s')
  t.equal(scheduler.slowdown(Lane.SMALL), 1, 'the small lane is never scaled')
})
