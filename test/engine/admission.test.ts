// Deadline-aware admission: what cannot finish within its request-timeout-ms is refused at once with 503 and Retry-After.
import t from 'tap'
import { post, prose, settled, startEngine, stats, waitFor } from '../helpers/engine.js'

// One engine for the file: its threads take seconds to load the models under tap.
const { url, agent } = await startEngine(t, { workers: 1 })

// Six large texts on the one large thread: seconds of work queued, so the backlog stands through the
// tests (49 000 characters now take 60-180 ms: it drained between the first tests' steps). Aborted at
// the end, which cancels them.
const fill = new AbortController()
const filling = Array.from({ length: 6 }, (_, i) => settled(post(agent, `${url}/ner`, prose(300_000, i + 1), { signal: fill.signal })))
await waitFor('the large lane to fill', async () => {
  const s = await stats(agent, url)
  return s.lanes.large.running === 1 && s.lanes.large.queued === 5
})
t.teardown(async () => {
  fill.abort()
  await Promise.all(filling)
})

t.test('a request that cannot finish within its request-timeout-ms is refused at once with 503 and an honest Retry-After', async (t) => {
  const before = await stats(agent, url)
  const res = await post(agent, `${url}/ner`, prose(49_000, 10), { timeoutMs: 1_000 })
  t.equal(res.status, 503)
  t.match(res.body, { error: 'overloaded', deadlineMs: 1_000, estimatedMs: Number })
  const estimatedMs = res.body.estimatedMs as number
  const retryAfter = Number(res.headers['retry-after'])
  t.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After: ${String(res.headers['retry-after'])}`)
  // the time until enough of the backlog ahead has drained: never more than all of it
  t.ok(retryAfter <= Math.ceil(estimatedMs / 1_000), `Retry-After ${retryAfter} s for an estimate of ${estimatedMs} ms`)
  // generous; the point is that it did not wait for the backlog (seconds)
  t.ok(res.ms < 1_000, `answered in ${Math.round(res.ms)} ms`)
  const after = await stats(agent, url)
  t.equal(after.refused - before.refused, 1)
  t.equal(after.lanes.large.queued, before.lanes.large.queued, 'nothing was queued for it')
})

t.test('without the header the same request is never refused: it waits its turn', async (t) => {
  const before = await stats(agent, url)
  const abort = new AbortController()
  const waiting = settled(post(agent, `${url}/ner`, prose(49_000, 10), { signal: abort.signal }))
  await waitFor('it to be queued', async () => (await stats(agent, url)).lanes.large.queued === before.lanes.large.queued + 1)
  abort.abort()
  t.type(await waiting, Error, 'still waiting when the test gave up on it')
  t.equal((await stats(agent, url)).refused, before.refused)
})

t.test('a deadline the backlog fits in is admitted', async (t) => {
  const before = await stats(agent, url)
  const abort = new AbortController()
  const waiting = settled(post(agent, `${url}/ner`, prose(49_000, 11), { timeoutMs: 600_000, signal: abort.signal }))
  await waitFor('it to be queued', async () => (await stats(agent, url)).lanes.large.queued === before.lanes.large.queued + 1)
  abort.abort()
  await waiting
  t.equal((await stats(agent, url)).refused, before.refused)
})

t.test('a small text with a short deadline is admitted and answered while the large lane is full', async (t) => {
  const text = prose(500, 12)
  const answers = await Promise.all(['summarize', 'ner', 'most_common_phrases'].map((kind) => post(agent, `${url}/${kind}`, text, { timeoutMs: 2_000 })))
  t.same(answers.map((a) => a.status), [200, 200, 200], 'its own lane has no backlog')
  t.ok((await stats(agent, url)).lanes.large.queued >= 4, 'the large lane was still full')
})
