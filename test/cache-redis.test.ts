// The shared tier on a real redis-server: replicas share results, and Redis down or slow fails no request.
import t from 'tap'
import { request } from 'undici'
import { keyEntry } from '../src/clients/keys.js'
import { build, TEST_KEY } from './helpers/build.js'
import { startFakeUpstream } from './helpers/fake-upstream.js'
import { watchLeaks } from './helpers/leaks.js'
import { hasRedis, startRedis } from './helpers/redis.js'
import { SERVER, built as serverBuilt, spawnServer, testPort } from './helpers/spawn-server.js'

if (!hasRedis) t.comment('skipped: redis-server is not installed (apt-get install -y redis-server; .ci/run installs it)')
else if (!serverBuilt) t.fail(`${SERVER} is missing: the test script builds it first (npm test)`)
else {
  let n = 0
  const fresh = (): string => `Grace Hopper wrote the first compiler. Text ${++n}.`

  t.test('a text analysed through one service process is a hit on a second process sharing the Redis', async (t) => {
    const redis = await startRedis(t)
    const upstream = await startFakeUpstream()
    t.teardown(() => upstream.close())
    // A generous command timeout: this test is about sharing, and a busy machine can take 50 ms to answer.
    const env = { TEXT_API_URL: upstream.url, TEXT_API_KEY: TEST_KEY, REDIS_URL: redis.url, MAX_EVENT_LOOP_DELAY_MS: '0', REDIS_COMMAND_TIMEOUT_MS: '1000' }
    const a = await spawnServer(env, testPort(2))
    t.teardown(() => a.stop())
    const b = await spawnServer(env, testPort(3))
    t.teardown(() => b.stop())
    const text = fresh()
    const first = await postPlain(`${a.url}/analyze`, { text })
    t.equal(first.status, 200)
    t.equal(upstream.calls.length, 3)
    const second = await postPlain(`${b.url}/analyze`, { text })
    t.equal(second.status, 200)
    t.match(second.body.parts, { summary: { cache: 'hit' }, entities: { cache: 'hit' }, mostCommonPhrases: { cache: 'hit' } })
    t.same(second.body.entities, first.body.entities)
    t.equal(upstream.calls.length, 3, 'the second replica did not call the upstream')
    const keys = redis.cli('--scan', '--pattern', 'text-bff:cache:*').trim().split('\n')
    t.equal(keys.length, 3, 'one entry per part')
    t.ok(keys.every((k) => /^text-bff:cache:(summary|entities|mostCommonPhrases):[\w-]{43}$/.test(k)), `keys are digests: ${keys[0]}`)
    const values = keys.map((k) => redis.cli('get', k)).join('\n')
    t.notMatch(keys.join('\n') + values, TEST_KEY, 'the API key is in no key and no value')
    const ttl = Number(redis.cli('pttl', keys[0]!).trim())
    t.ok(ttl > 86_400_000 && ttl <= 2 * 86_400_000, 'kept for the TTL plus the stale-if-error window')
    t.notMatch(a.stdout() + b.stdout(), TEST_KEY)
  })

  t.test('killing redis-server in the middle of a load fails no request; it is reported down, then back', async (t) => {
    const redis = await startRedis(t)
    // A generous command timeout: slowness under a busy machine is news of its own; this test counts the outage.
    const built = await build(t, { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: 500 })
    const health = async (): Promise<{ redis?: string }> => {
      const res = await request(`${built.url}/healthz`, { dispatcher: built.client })
      return await res.body.json() as { redis?: string }
    }
    while ((await health()).redis !== 'up') await new Promise((resolve) => setTimeout(resolve, 20))
    built.upstream.script('*', { kind: 'ok', delayMs: 5 })
    const results: number[] = []
    const load = (async () => {
      for (let i = 0; i < 120; i++) {
        const batch = await Promise.all([built.analyze({ text: fresh() }), built.analyze({ text: `Repeat ${i % 5}.` })])
        results.push(...batch.map((r) => r.status))
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })()
    await new Promise((resolve) => setTimeout(resolve, 150))
    const logsBefore = built.logs.length
    await redis.kill()
    await new Promise((resolve) => setTimeout(resolve, 300))
    t.equal((await health()).redis, 'down', 'health reports Redis down')
    t.equal(built.upstream.calls.length > 0, true)
    await load
    t.same(results.filter((s) => s !== 200), [], `all ${results.length} requests answered 200`)
    const warnings = built.logs.slice(logsBefore).filter((l) => l.includes('redis unavailable'))
    t.equal(warnings.length, 1, `the outage was logged once: ${warnings.join('')}`)
    const metrics = await (await request(`${built.url}/metrics`, { dispatcher: built.client })).body.text()
    t.match(metrics, /text_bff_redis_up 0\n/)
    await redis.start()
    const deadline = Date.now() + 10_000
    while ((await health()).redis !== 'up' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    t.equal((await health()).redis, 'up', 'it reconnected by itself')
    await built.analyze({ text: fresh() })
    // The store is not awaited by the request: give it a moment.
    let stored = ''
    for (let i = 0; i < 50 && stored === ''; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      stored = redis.cli('--scan', '--pattern', 'text-bff:cache:summary:*').trim()
    }
    t.match(stored, /text-bff:cache:summary:/, 'and stores to Redis again')
  })

  t.test('a slow Redis costs a request at most its short command timeout', async (t) => {
    const redis = await startRedis(t)
    const built = await build(t, { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: 50 })
    // Connected first: beside a CPU hog the connection was not ready yet when Redis was paused, so no
    // request asked it anything (no timeout to count) and the test tested nothing.
    while (!built.app.redis!.up) await new Promise((resolve) => setTimeout(resolve, 20))
    await built.analyze({ text: fresh() })
    // Redis answers no client for a second.
    t.match(redis.cli('client', 'pause', '1000', 'all'), /OK/)
    const started = performance.now()
    const res = await built.analyze({ text: fresh() })
    const ms = performance.now() - started
    t.equal(res.status, 200)
    t.match(res.body.parts.summary, { status: 'ok', cache: 'miss' })
    t.ok(ms < 600, `answered in ${Math.round(ms)} ms while Redis slept for a second`)
    t.ok(built.app.redis!.errors > 0, 'the timeouts were counted')
    // Only the local share could have served the permits while Redis slept: the outage was found out.
    t.equal(built.app.redis!.up, false, 'a second without an answer is an outage: Redis is skipped until a probe hears it again')
    for (const end = performance.now() + 5000; !built.app.redis!.up && performance.now() < end;) await new Promise((resolve) => setTimeout(resolve, 20))
    t.equal(built.app.redis!.up, true, 'and it is used again once it answers')
    const text = fresh()
    await built.analyze({ text })
    const again = await built.analyze({ text: text.normalize('NFD') })
    t.match(again.body.parts.summary, { cache: 'hit' })
  })

  t.test('a stalled Redis (SIGSTOP) is found out after a few timeouts, then skipped by every request until a probe hears it again', async (t) => {
    const redis = await startRedis(t)
    t.teardown(() => redis.resume())
    const timeoutMs = 200
    const key = 'sk-stall-0123456789'
    // Keys, the quota, the request rate, the cache and the permits: every user of Redis a request has.
    const built = await build(t, {
      REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: timeoutMs, API_KEYS: keyEntry('carol', key), QUOTA_CHARS_PER_MIN: 1_000_000, RATE_LIMIT_PER_MIN: 10_000,
    })
    const leaks = watchLeaks(t)
    const link = built.app.redis!
    const headers = { 'x-api-key': key }
    const health = async (): Promise<{ redis?: string, upstream: { limiter: { mode: string } } }> => {
      const res = await request(`${built.url}/healthz`, { dispatcher: built.client })
      return await res.body.json() as { redis?: string, upstream: { limiter: { mode: string } } }
    }
    while (!link.up) await new Promise((resolve) => setTimeout(resolve, 20))
    t.equal((await built.analyze({ text: fresh() }, headers)).status, 200)

    redis.pause()
    const statuses: number[] = []
    // Until the stall is found out, requests pay command timeouts: five failures over at least a second here.
    for (let i = 0; i < 5 && link.up; i++) statuses.push((await built.analyze({ text: fresh() }, headers)).status)
    t.notOk(link.up, `found out during request ${statuses.length} of the stall: the link is down for every user`)
    t.match(await health(), { redis: 'down', upstream: { limiter: { mode: 'fallback' } } }, 'health says so, and the limiter works from its share')
    // Commands sent before it was found out time out meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 2 * timeoutMs))
    const errors = link.errors
    const started = performance.now()
    for (let i = 0; i < 10; i++) statuses.push((await built.analyze({ text: fresh() }, headers)).status)
    const ms = performance.now() - started
    t.same(statuses.filter((s) => s !== 200), [], `all ${statuses.length} requests during the stall answered 200`)
    t.equal(link.errors - errors, 0, 'once it was found out, no request sent Redis a command (each used to try six or more)')
    t.ok(ms < 10 * timeoutMs, `ten requests took ${Math.round(ms)} ms, less than one command timeout each`)

    redis.resume()
    for (const end = performance.now() + 5000; !link.up && performance.now() < end;) await new Promise((resolve) => setTimeout(resolve, 20))
    t.ok(link.up, 'the probe heard Redis again')
    t.match(await health(), { redis: 'up', upstream: { limiter: { mode: 'shared' } } }, 'the limiter is back on the shared limit')
    const before = redis.cli('--scan', '--pattern', 'text-bff:cache:summary:*').trim().split('\n').length
    t.equal((await built.analyze({ text: fresh() }, headers)).status, 200)
    let after = before
    for (let i = 0; i < 50 && after === before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      after = redis.cli('--scan', '--pattern', 'text-bff:cache:summary:*').trim().split('\n').length
    }
    t.equal(after, before + 1, 'and the cache stores to Redis again')
    await leaks.assertClean(t, built)
  })
}

async function postPlain (url: string, body: unknown) {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.statusCode, body: await res.body.json() as any }
}
