// Client keys, quotas in characters, the request-rate limit: who may call, how much, and what every answer says about it.
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { buildApp } from '../src/app.js'
import { identify, keyEntry, parseKeys } from '../src/clients/keys.js'
import { build } from './helpers/build.js'
import { hasRedis, startRedis } from './helpers/redis.js'

const ALICE = 'sk-alice-0123456789abcdef'
const BOB = 'sk-bob-fedcba9876543210'
const KEYS = `${keyEntry('alice', ALICE)},${keyEntry('bob', BOB)}`
let n = 0
const text = (len = 40): string => `Text ${String(++n).padStart(4, '0')}. ${'x'.repeat(len - 12)}.`.slice(0, len)

t.test('keys are compared by digest, every one, and never echoed when malformed', async (t) => {
  const keys = parseKeys(`${keyEntry('a', 'k1')}\n# a comment\n${keyEntry('b', 'k2')}`, 'API_KEYS')
  t.same(keys.map((k) => k.name), ['a', 'b'])
  t.equal(identify(keys, 'k2'), 'b')
  t.equal(identify(keys, 'k3'), undefined)
  t.throws(() => parseKeys('alice:plain-key-by-mistake', 'API_KEYS'), { name: 'ConfigError', message: /API_KEYS entry 1 must be name:sha256-hex-of-key/ })
  try { parseKeys('alice:plain-key-by-mistake', 'API_KEYS') } catch (err) { t.notMatch((err as Error).message, /plain-key/, 'the entry is not echoed') }
  await t.rejects(buildApp({ env: { API_KEYS: 'nope', TEXT_API_URL: 'http://127.0.0.1:9/t', TEXT_API_KEY: 'k' } }), { name: 'ConfigError', message: /API_KEYS entry 1/ })
})

t.test('with keys on: no key or an unknown one is 401 with WWW-Authenticate; Bearer or X-API-Key pass; the open routes stay open', async (t) => {
  const built = await build(t, { API_KEYS: KEYS })
  const missing = await built.analyze({ text: text() })
  t.equal(missing.status, 401)
  t.match(missing.body, { code: 'UNAUTHORIZED', type: '/problems/unauthorized' })
  t.equal(missing.headers['www-authenticate'], 'Bearer realm="text-bff"')
  const unknown = await built.analyze({ text: text() }, { authorization: 'Bearer sk-nobody' })
  t.equal(unknown.status, 401)
  t.equal(unknown.headers['www-authenticate'], 'Bearer realm="text-bff", error="invalid_token"')
  t.equal((await built.analyze({ text: text() }, { authorization: `Bearer ${ALICE}` })).status, 200)
  t.equal((await built.analyze({ text: text() }, { 'x-api-key': BOB })).status, 200)
  t.equal(built.upstream.calls.length, 6, 'only the two known clients reached the upstream')
  for (const path of ['/health/live', '/health/ready', '/metrics', '/openapi.json', '/problems', '/docs/']) {
    t.equal((await built.app.inject(path)).statusCode, 200, `${path} stays open`)
  }
  const metrics = (await built.app.inject('/metrics')).body
  t.match(metrics, /text_bff_client_requests_total\{client="alice",status="200"\} 1/, 'the key\'s name is a metric label')
  const logs = built.logs.join('')
  t.match(logs, /"client":"bob"/, 'and in the request log')
  for (const secret of [ALICE, BOB]) {
    t.notMatch(logs, secret, 'no key in the logs')
    t.notMatch(metrics, secret, 'no key in the metrics')
  }
})

t.test('API_KEYS_FILE holds the same entries', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-'))
  const file = join(dir, 'keys')
  writeFileSync(file, `# clients\n${keyEntry('carol', 'sk-carol-1')}\n`)
  const built = await build(t, { API_KEYS_FILE: file })
  t.equal((await built.analyze({ text: text() }, { 'x-api-key': 'sk-carol-1' })).status, 200)
  t.equal((await built.analyze({ text: text() })).status, 401)
})

t.test('an API_KEYS_FILE with no key left in it refuses every client, and says so at start-up', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-'))
  const file = join(dir, 'keys')
  writeFileSync(file, '# every key revoked\n')
  const built = await build(t, { API_KEYS_FILE: file })
  const anonymous = await built.analyze({ text: text() })
  t.equal(anonymous.status, 401, 'not open to anybody')
  t.equal(anonymous.body.code, 'UNAUTHORIZED')
  t.equal((await built.analyze({ text: text() }, { 'x-api-key': 'sk-carol-1' })).status, 401)
  t.ok(built.logs.some((l) => l.includes('API_KEYS_FILE holds no key')), 'a warning names the file\'s variable')
})

t.test('the quota counts characters of text: over it is 429 with Retry-After, and every answer says where the client stands', async (t) => {
  const built = await build(t, { API_KEYS: KEYS, QUOTA_CHARS_PER_MIN: 100 })
  const alice = { authorization: `Bearer ${ALICE}` }
  const first = await built.analyze({ text: text(40) }, alice)
  t.equal(first.status, 200)
  t.equal(first.headers['ratelimit-policy'], '"chars";q=100;w=60;qu="chars"')
  t.match(first.headers.ratelimit, /^"chars";r=60;t=\d+$/)
  t.equal((await built.analyze({ text: text(40) }, alice)).status, 200, '80 of 100')
  t.match((await built.analyze({ text: text(40) }, { 'x-api-key': BOB })).headers.ratelimit, /^"chars";r=60;/, 'each client has its own quota')
  const over = await built.analyze({ text: text(40) }, alice)
  t.equal(over.status, 429)
  t.match(over.body, { code: 'QUOTA_EXCEEDED', detail: /has 20 left, fewer than this text's 40/ })
  t.ok(Number(over.headers['retry-after']) >= 1)
  t.match(over.headers.ratelimit, /^"chars";r=20;/)
  const huge = await built.analyze({ text: text(101) }, { 'x-api-key': BOB })
  t.match(huge.body, { code: 'QUOTA_EXCEEDED', detail: /more than the whole quota of 100/ })
  t.equal(huge.headers['retry-after'], undefined, 'no Retry-After for a text no wait makes fit')
})

t.test('a refused charge takes nothing from charges made at the same time: a batch item that fits is served', async (t) => {
  const built = await build(t, { API_KEYS: KEYS, QUOTA_CHARS_PER_MIN: 36 })
  const res = await request(`${built.url}/analyze/batch`, {
    dispatcher: built.client,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': ALICE },
    body: JSON.stringify({ items: [{ text: text(24) }, { text: text(24) }, { text: text(12) }] }),
  })
  const items = await res.body.json() as Array<{ status: number, problem?: { detail: string } }>
  t.equal(items.length, 3)
  // In whatever order they were charged: 24 fits, the other 24 does not (12 left), and 12 fits.
  const byLength = [items[0]!, items[1]!].map((i) => i.status).sort()
  t.same(byLength, [200, 429], 'one 24-character item is served, the other refused')
  t.equal(items[2]!.status, 200, `the 12-character item fits in what is left${items[2]!.problem ? `: ${items[2]!.problem.detail}` : ''}`)
  const refused = items.find((i) => i.status === 429)!
  t.match(refused.problem!.detail, /has 12 left, fewer than this text's 24/)
})

t.test('a cache hit costs nothing: a repeated text is served after the quota is spent', async (t) => {
  const built = await build(t, { QUOTA_CHARS_PER_MIN: 80 })
  const same = text(40)
  t.equal((await built.analyze({ text: same })).status, 200)
  t.equal((await built.analyze({ text: text(40) })).status, 200)
  t.equal((await built.analyze({ text: text(40) })).status, 429, 'the quota is spent')
  const hit = await built.analyze({ text: same })
  t.equal(hit.status, 200)
  t.match(hit.body.parts.summary, { cache: 'hit' })
  t.match(hit.headers.ratelimit, /^"chars";r=0;/)
})

t.test('the request-rate limit (RATE_LIMIT_PER_MIN) refuses the extra request with 429 TOO_MANY_REQUESTS', async (t) => {
  const built = await build(t, { RATE_LIMIT_PER_MIN: 3, QUOTA_CHARS_PER_MIN: 10_000 })
  const answers = []
  for (let i = 0; i < 4; i++) answers.push(await built.analyze({ text: text() }))
  t.same(answers.map((a) => a.status), [200, 200, 200, 429])
  t.match(answers[3]!.body, { code: 'TOO_MANY_REQUESTS' })
  t.ok(Number(answers[3]!.headers['retry-after']) >= 1)
  t.equal(answers[0]!.headers['ratelimit-policy'], '"requests";q=3;w=60, "chars";q=10000;w=60;qu="chars"')
  t.match(answers[0]!.headers.ratelimit, /^"requests";r=2;t=\d+, "chars";r=\d+;t=\d+$/)
  t.equal(built.upstream.calls.length, 9, 'the refused request cost the upstream nothing')
})

t.test('METRICS_KEY puts /metrics behind a key of its own', async (t) => {
  const [, digest] = keyEntry('m', 'sk-metrics').split(':')
  const built = await build(t, { METRICS_KEY: digest })
  const res = await request(`${built.url}/metrics`, { dispatcher: built.client })
  t.equal(res.statusCode, 401)
  await res.body.dump()
  const ok = await request(`${built.url}/metrics`, { dispatcher: built.client, headers: { authorization: 'Bearer sk-metrics' } })
  t.equal(ok.statusCode, 200)
  await ok.body.dump()
})

t.test('with Redis the quota holds across replicas, and falls back to each replica\'s own when Redis is down', { skip: hasRedis ? false : 'redis-server is not installed' }, async (t) => {
  const redis = await startRedis(t)
  const env = { API_KEYS: KEYS, QUOTA_CHARS_PER_MIN: 100, REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: 500 }
  const a = await build(t, env)
  const b = await build(t, env)
  while (!a.app.redis!.up || !b.app.redis!.up) await new Promise((resolve) => setTimeout(resolve, 20))
  const alice = { authorization: `Bearer ${ALICE}` }
  t.equal((await a.analyze({ text: text(60) }, alice)).status, 200)
  const onB = await b.analyze({ text: text(60) }, alice)
  t.equal(onB.status, 429, 'the second replica knows what the first charged')
  await redis.kill()
  const down = await b.analyze({ text: text(60) }, alice)
  t.equal(down.status, 200, 'Redis down: the replica counts on its own, nothing fails')
  t.equal((await b.analyze({ text: text(60) }, alice)).status, 429, 'and still limits')
})
