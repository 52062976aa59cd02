// The shared document: a text's three endpoint calls, arriving together, are one task; it ends when its last caller goes.
import t from 'tap'
import { post, prose, settled, startEngine, stats, waitFor } from '../helpers/engine.js'

// One engine for the file: its threads take seconds to load the models under tap.
const { url, agent } = await startEngine(t, { workers: 1 })
const KINDS = ['summarize', 'ner', 'most_common_phrases'] as const

/**
 * A large text on the one large thread, so the next large task waits in the queue; `done` when
 * answered. Long enough to hold the thread through the test's next steps whatever the machine.
 */
async function occupy (variant: number): Promise<{ done: Promise<unknown> }> {
  const done = post(agent, `${url}/ner`, prose(300_000, variant))
  await waitFor('the large thread to be busy', async () => (await stats(agent, url)).lanes.large.running === 1)
  return { done }
}

t.test('the three endpoint calls for one text share one task, and answer as separate calls do', async (t) => {
  const text = prose(5_000, 1)
  // Three open keep-alive connections, as the service's Agent has: the calls go out in one tick.
  await Promise.all(KINDS.map(() => stats(agent, url)))
  // The large thread busy, so the text's task waits in the queue, where it still takes kinds: the calls
  // join it even when a busy machine spreads their arrival past the few-ms collection window.
  const busy = await occupy(4)
  const before = await stats(agent, url)
  const together = await Promise.all(KINDS.map((kind) => post(agent, `${url}/${kind}`, text)))
  t.same(together.map((a) => a.status), [200, 200, 200])
  await busy.done
  const mid = await stats(agent, url)
  t.equal(mid.completed - before.completed, 2, 'one task (and the one that kept the thread busy)')
  t.equal(mid.shared - before.shared, 2, 'two calls waited on the first one\'s task')

  // The entry lives only until its callers are answered: the same text again is a new task.
  const alone = []
  for (const kind of KINDS) alone.push(await post(agent, `${url}/${kind}`, text))
  t.same(alone.map((a) => a.body), together.map((a) => a.body), 'the same bodies as one call at a time')
  const after = await stats(agent, url)
  t.equal(after.completed - mid.completed, 3, 'one call at a time: three tasks')
  t.equal(after.shared - mid.shared, 0)
})

t.test('a caller that goes away does not cancel the task the other callers wait on', async (t) => {
  const busy = await occupy(2)
  const before = await stats(agent, url)
  const text = prose(20_000, 3)
  const abort = new AbortController()
  const [summary, entities, phrases] = [
    post(agent, `${url}/summarize`, text),
    settled(post(agent, `${url}/ner`, text, { signal: abort.signal })),
    post(agent, `${url}/most_common_phrases`, text)
  ]
  await waitFor('all three calls to wait on one task', async () => (await stats(agent, url)).shared - before.shared === 2)
  abort.abort()
  t.type(await entities, Error)
  t.same([(await summary).status, (await phrases).status], [200, 200], 'the other two are answered')
  await busy.done
  const after = await stats(agent, url)
  t.equal(after.cancelled - before.cancelled, 0, 'nothing cancelled')
  t.equal(after.completed - before.completed, 2, 'the occupying text and the shared task')
})

t.test('the shared task is cancelled once every caller has gone', async (t) => {
  const busy = await occupy(4)
  const before = await stats(agent, url)
  const text = prose(20_000, 5)
  const abort = new AbortController()
  const calls = KINDS.map((kind) => settled(post(agent, `${url}/${kind}`, text, { signal: abort.signal })))
  await waitFor('all three calls to wait on one task', async () => (await stats(agent, url)).shared - before.shared === 2)
  abort.abort()
  t.ok((await Promise.all(calls)).every((r) => r instanceof Error))
  await waitFor('the queue to empty', async () => (await stats(agent, url)).lanes.large.queued === 0)
  await busy.done
  const after = await stats(agent, url)
  t.equal(after.cancelled - before.cancelled, 1, 'one task cancelled, for three callers')
  t.equal(after.completed - before.completed, 1, 'only the occupying text was analysed')
})

t.test('a call for a text whose abandoned task is still stopping gets a task of its own', async (t) => {
  // Long enough to be still running when it is abandoned, whatever the machine.
  const text = prose(300_000, 6)
  const abort = new AbortController()
  const first = settled(post(agent, `${url}/ner`, text, { signal: abort.signal }))
  await waitFor('the text to run', async () => (await stats(agent, url)).lanes.large.running === 1)
  await new Promise((resolve) => setTimeout(resolve, 30))
  abort.abort()
  t.type(await first, Error)
  const again = await post(agent, `${url}/ner`, text)
  t.equal(again.status, 200, 'answered, not failed with the abandoned task')
  t.match(again.body, { ner: Array })
})
