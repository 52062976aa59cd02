// LOG_LEVEL debug shows retries, breaker transitions and admission refusals; info shows none of them.
import { Writable } from 'node:stream'
import pino from 'pino'
import t from 'tap'
import type { Test } from 'tap'
import { listenApp, post, TEST_KEY } from './helpers/build.js'
import { startFakeUpstream } from './helpers/fake-upstream.js'

async function run (t: Test, level: 'debug' | 'info'): Promise<Array<{ msg: string, [k: string]: unknown }>> {
  const upstream = await startFakeUpstream()
  t.teardown(() => upstream.close())
  const lines: string[] = []
  const sink = new Writable({ write (chunk, _enc, cb) { lines.push(String(chunk)); cb() } })
  const { url, client } = await listenApp(t, {
    TEXT_API_URL: upstream.url,
    TEXT_API_KEY: TEST_KEY,
    MAX_EVENT_LOOP_DELAY_MS: 0,
    UPSTREAM_RETRY_BASE_MS: 5,
    BREAKER_MIN_CALLS: 2,
    UPSTREAM_QUEUE_LIMIT: 0,
    UPSTREAM_CONCURRENCY: 1,
  }, pino({ level }, sink))
  // summarize: one 503 then success (a retry); ner: 500s until its circuit opens.
  upstream.script('summarize', { kind: 'status', status: 503 }, { kind: 'ok' })
  upstream.script('ner', { kind: 'status', status: 500 })
  const first = await post(client, `${url}/analyze`, { text: 'Ada Lovelace worked with Charles Babbage.', parts: ['summary'] })
  t.equal(first.status, 200)
  for (let i = 0; i < 3; i++) await post(client, `${url}/analyze`, { text: `Ada ${i}.`, parts: ['entities'] })
  // One permit and no queue: a second request while one holds it is refused by admission.
  upstream.script('most_common_phrases', { kind: 'ok', delayMs: 300 })
  const holding = post(client, `${url}/analyze`, { text: 'Holding the permit.', parts: ['mostCommonPhrases'] })
  while (upstream.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  const refused = await post(client, `${url}/analyze`, { text: 'Refused.', parts: ['mostCommonPhrases'] })
  t.equal(refused.status, 503)
  await holding
  return lines.map((l) => JSON.parse(l))
}

t.test('at debug: a retried call, a breaker opening and an admission refusal each have their line', async (t) => {
  const lines = await run(t, 'debug')
  t.match(lines.filter((l) => l.msg === 'upstream attempt failed'), [{ level: 20, part: 'summary', endpoint: 'summarize', attempt: 1, code: 'UPSTREAM_ERROR', transient: true, upstreamStatus: 503 }])
  t.match(lines.filter((l) => l.msg === 'retried upstream call'), [{ level: 20, part: 'summary', attempt: 2, outcome: 'ok' }], 'one retry')
  t.match(lines.filter((l) => l.msg === 'circuit open'), [{ level: 20, endpoint: 'ner', from: 'closed', to: 'open' }], 'the breaker opening, once')
  t.match(lines.filter((l) => l.msg === 'admission refused a request'), [{ level: 20, reason: 'queue-full' }])
})

t.test('at info: none of those lines', async (t) => {
  const lines = await run(t, 'info')
  t.ok(lines.length > 0, 'the info lines are there')
  t.same(lines.filter((l) => (l.level as number) < 30), [], 'no debug line')
  t.same(lines.filter((l) => /retried|attempt failed|circuit|admission/.test(l.msg)), [])
})
