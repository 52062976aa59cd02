// One code, one status: every answer's status is its code's, and /problems/<slug> says the same.
import t from 'tap'
import type { Test } from 'tap'
import { request } from 'undici'
import { errorCodes } from '../src/errors.js'
import { build } from './helpers/build.js'
import type { Built } from './helpers/build.js'

const TEXT = 'Ada Lovelace worked with Charles Babbage. She wrote the first program.'

async function assertAgrees (t: Test, built: Built, res: { status: number, body: any }, code: string): Promise<void> {
  t.equal(res.body.code, code)
  t.equal(res.status, errorCodes[code as keyof typeof errorCodes].status, `${code} answers ${res.status}, its table status`)
  t.equal(res.body.status, res.status, 'the document says the same status')
  const described = await request(`${built.url}${res.body.type}`, { dispatcher: built.client })
  t.equal(described.statusCode, 200)
  t.match(await described.body.json(), { code, status: res.status })
}

t.test('a timeout beside an open circuit answers PARTS_FAILED 502, not a 502 that says UPSTREAM_TIMEOUT', async (t) => {
  const built = await build(t, { BREAKER_MIN_CALLS: 1, UPSTREAM_MAX_ATTEMPTS: 1, REQUEST_TIMEOUT_MS: 300 })
  built.upstream.script('ner', { kind: 'status', status: 500 })
  await built.analyze({ text: TEXT, parts: ['entities'] })
  t.equal(built.app.upstream.guards.entities.circuitState, 'open')
  built.upstream.script('summarize', { kind: 'hang' })
  const res = await built.analyze({ text: TEXT, parts: ['summary', 'entities'] })
  await assertAgrees(t, built, res, 'PARTS_FAILED')
  t.match(res.body.parts, { summary: { code: 'UPSTREAM_TIMEOUT' }, entities: { code: 'CIRCUIT_OPEN' }, mostCommonPhrases: { status: 'skipped' } })
  t.match(res.body.detail, /summary: UPSTREAM_TIMEOUT; entities: CIRCUIT_OPEN/)
})

t.test('a request still running near the end of a shutdown answers SHUTTING_DOWN 503 instead of a reset', async (t) => {
  const built = await build(t, { SHUTDOWN_GRACE_MS: 800 })
  built.upstream.script('*', { kind: 'hang' })
  const pending = built.analyze({ text: TEXT })
  while (built.upstream.inFlight < 3) await new Promise((resolve) => setTimeout(resolve, 5))
  const started = performance.now()
  const closing = built.app.close()
  const res = await pending
  const ms = performance.now() - started
  await closing
  t.equal(res.status, 503)
  t.equal(res.body.code, 'SHUTTING_DOWN')
  t.match(res.body.parts, { summary: { code: 'SHUTTING_DOWN' }, entities: { code: 'SHUTTING_DOWN' } })
  t.ok(ms >= 250 && ms < 800, `answered inside the grace period, just before its end (${Math.round(ms)} ms)`)
})

t.test('each status the edge answers agrees with its code\'s problem page', async (t) => {
  const built = await build(t, { MAX_TEXT_CHARS: 100 })
  const cases: [Promise<{ status: number, body: any }>, string][] = [
    [built.analyze('{"text":'), 'INVALID_JSON'],
    [built.analyze({ text: 'x'.repeat(101) }), 'VALIDATION_FAILED'],
    [built.analyze({ text: 'x' }, { 'content-type': 'text/plain' }), 'UNSUPPORTED_MEDIA_TYPE'],
    [built.analyze('x'.repeat(700_000)), 'BODY_TOO_LARGE'],
  ]
  for (const [pending, code] of cases) await assertAgrees(t, built, await pending, code)
  for (const [method, path, code] of [['GET', '/nowhere', 'NOT_FOUND'], ['GET', '/analyze', 'METHOD_NOT_ALLOWED'], ['GET', '/%zz', 'INVALID_URL']] as const) {
    const res = await request(`${built.url}${path}`, { method, dispatcher: built.client })
    await assertAgrees(t, built, { status: res.statusCode, body: await res.body.json() }, code)
  }
})
