// The shared tier on a real redis-server: replicas share results, and Redis down or slow fails no request.
import t from 'tap'
import { request } from 'undici'
import { build, TEST_KEY } from './helpers/build.js'
import { startFakeUpstream } from './helpers/fake-upstream.js'
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
    await built.analyze({ text: fresh() })
    // Redis answers no client for a second.
    t.match(redis.cli('client', 'pause', '1000', 'all'), /OK/)
    const started = performance.now()
    const res = await built.analyze({ text: fresh() })
    const ms = performance.now() - started
    t.equal(res.status, 200)
    t.match(res.body.parts.summary, { status: 'ok', cache: 'miss' })
    t.ok(ms < 600, `answered in ${Math.round(ms)} ms while Redis slept for a second`)
    t.ok(built.app.redis!.errors > 0, 'the timeout was counted')
    t.equal(built.app.redis!.up, true, 'one slow answer does not make Redis down: the connection stays')
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const text = fresh()
    await built.analyze({ text })
    const again = await built.analyze({ text: text.normalize('NFD') })
    t.match(again.body.parts.summary, { cache: 'hit' })
  })
}

async function postPlain (url: string, body: unknown) {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.statusCode, body: await res.body.json() as any }
}
