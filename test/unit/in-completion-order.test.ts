// inCompletionOrder: completion order, a bounded window that a paused consumer holds, rejections rethrown once.
import t from 'tap'
import { inCompletionOrder } from '../../src/analyze/batch.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test('yields in completion order, every task once, at most `window` started ahead of the consumer', async (t) => {
  let running = 0
  let most = 0
  const delays = [60, 10, 30, 0, 90, 20]
  const out: number[] = []
  for await (const i of inCompletionOrder(delays.length, 3, async (i) => {
    running++
    most = Math.max(most, running)
    await sleep(delays[i]!)
    running--
    return i
  })) out.push(i)
  t.same([...out].sort(), [0, 1, 2, 3, 4, 5])
  t.equal(out[0], 1, 'the quickest of the first window first')
  t.equal(out.at(-1), 4, 'the slowest of the last window last')
  t.equal(most, 3)
})

t.test('a consumer that stops pulling stops new tasks', async (t) => {
  const started: number[] = []
  const gen = inCompletionOrder(100, 4, async (i) => { started.push(i); return i })
  await gen.next()
  await sleep(20)
  t.equal(started.length, 4, 'only the window was started')
  await gen.return()
  await sleep(20)
  t.equal(started.length, 4, 'none after the consumer left')
})

t.test('a task that rejects is rethrown; the others cannot reject unhandled', async (t) => {
  const unhandled: unknown[] = []
  const onRejection = (r: unknown): void => { unhandled.push(r) }
  process.on('unhandledRejection', onRejection)
  t.teardown(() => { process.off('unhandledRejection', onRejection) })
  const gen = inCompletionOrder(3, 3, async (i) => {
    await sleep(i * 10)
    throw new Error(`task ${i}`)
  })
  await t.rejects(gen.next(), /task 0/)
  await sleep(50)
  t.same(unhandled, [])
})
