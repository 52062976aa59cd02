// Three service processes, one redis-server, one upstream: the limits hold for the cluster, survive a crash and a Redis outage.
import t from 'tap'
import type { Test } from 'tap'
import { Agent, request } from 'undici'
import { startFakeUpstream } from './helpers/fake-upstream.js'
import type { FakeUpstream } from './helpers/fake-upstream.js'
import { hasRedis, startRedis } from './helpers/redis.js'
import type { RedisServer } from './helpers/redis.js'
import { SERVER, built, spawnServer, testPort } from './helpers/spawn-server.js'
import type { ServerProcess } from './helpers/spawn-server.js'

// Six clusters of three processes each, started and stopped in turn: about 90 s on a quiet 2-core
// machine, more than the suite's 120 s per file on a busy one.
t.setTimeout(300_000)

let sent = 0
const fresh = (): string => `Replica text ${++sent}. It is short.`

interface Cluster {
  redis: RedisServer
  upstream: FakeUpstream
  replicas: ServerProcess[]
  client: Agent
  /** POSTs one analysis to replica `i`. */
  analyze (i: number, body: Record<string, unknown>): Promise<{ status: number, body: any, ms: number }>
}

async function cluster (t: Test, env: Record<string, string>, firstPort: number): Promise<Cluster> {
  const redis = await startRedis(t)
  const upstream = await startFakeUpstream()
  t.teardown(() => upstream.close())
  const replicas: ServerProcess[] = []
  for (let i = 0; i < 3; i++) {
    // A generous command timeout: on a busy machine Redis can take more than the default 50 ms to answer,
    // and these tests are about the limits, not about a slow Redis (the cache tests cover that).
    const replica = await spawnServer({
      TEXT_API_URL: upstream.url, TEXT_API_KEY: 'k', REDIS_URL: redis.url, MAX_EVENT_LOOP_DELAY_MS: '0', CACHE: 'false', REDIS_COMMAND_TIMEOUT_MS: '500', ...env,
    }, testPort(firstPort + i))
    t.teardown(() => replica.stop())
    replicas.push(replica)
  }
  const client = new Agent({ connections: 128, keepAliveTimeout: 1000 })
  t.teardown(() => client.close())
  return {
    redis,
    upstream,
    replicas,
    client,
    async analyze (i, body) {
      const started = performance.now()
      const res = await request(`${replicas[i]!.url}/analyze`, {
        dispatcher: client, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      })
      return { status: res.statusCode, body: await res.body.json(), ms: performance.now() - started }
    },
  }
}

/** `total` requests, `concurrency` at a time, spread over the replicas in turn. */
async function load (c: Cluster, total: number, concurrency: number, body: () => Record<string, unknown> = () => ({ text: fresh() })): Promise<number[]> {
  const statuses: number[] = []
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++
      statuses.push((await c.analyze(i % 3, body())).status)
    }
  }))
  return statuses
}

/** The most calls that arrived within any `windowMs`, sliding over every call. */
function busiestWindow (times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b)
  let best = 0
  let from = 0
  for (let to = 0; to < sorted.length; to++) {
    while (sorted[to]! - sorted[from]! >= windowMs) from++
    best = Math.max(best, to - from + 1)
  }
  return best
}

if (!hasRedis) t.comment('skipped: redis-server is not installed (apt-get install -y redis-server; .ci/run installs it)')
else if (!built) t.fail(`${SERVER} is missing: the test script builds it first (npm test)`)
else {
  t.test('under load the upstream never sees more than the global limit, and it does reach it', async (t) => {
    const limit = 6
    const c = await cluster(t, { UPSTREAM_CONCURRENCY: String(limit), UPSTREAM_ADAPTIVE: 'false' }, 10)
    c.upstream.script('*', { kind: 'ok', delayMs: 40 })
    const statuses = await load(c, 240, 24)
    t.same(statuses.filter((s) => s !== 200), [], 'every request answered 200')
    t.ok(c.upstream.maxInFlight <= limit, `upstream max in flight ${c.upstream.maxInFlight} <= ${limit}, across three replicas`)
    t.equal(c.upstream.maxInFlight, limit, 'and the limit was reached')
    t.equal(c.upstream.calls.length, 720)
  })

  t.test('with UPSTREAM_RATE_LIMIT no one-second window holds more calls than the rate', async (t) => {
    const rate = 45
    const c = await cluster(t, { UPSTREAM_CONCURRENCY: '64', UPSTREAM_RATE_LIMIT: String(rate), UPSTREAM_ADAPTIVE: 'false', REQUEST_TIMEOUT_MS: '20000' }, 13)
    c.upstream.script('*', { kind: 'ok', delayMs: 5 })
    const statuses = await load(c, 60, 12)
    t.same(statuses.filter((s) => s !== 200), [], 'every request waited for its turn and was served')
    const times = c.upstream.calls.map((call) => call.at)
    // One window of slack at the start, as the issue allows: from the first call's second onwards.
    const settled = times.filter((x) => x >= Math.min(...times) + 1000)
    const busiest = busiestWindow(settled, 1000)
    // Places are granted on Redis's clock and counted over 1.15 s, so a quiet machine shows at most the
    // rate here. The upstream sees each call a little after its grant, and on a loaded 2-core machine
    // (three replicas, Redis and other test files) that delay has been seen to exceed the 150 ms margin,
    // putting up to 1.18 times the rate into one second as it arrives. A token bucket or a fixed window
    // would let twice the rate through; a quarter over is the line between jitter and a broken limit.
    const slack = Math.ceil(rate * 0.25)
    t.ok(busiest <= rate + slack, `the busiest one-second window after the first held ${busiest} calls (rate ${rate}, slack ${slack} for arrival jitter)`)
    t.ok(busiestWindow(times, 1000) <= rate + slack + 3, 'and the first one stayed within a few calls of it')
    t.ok(busiest >= rate * 0.6, `the rate was used (${busiest} of ${rate})`)
  })

  t.test('a replica killed while holding permits frees them within the lease time', async (t) => {
    const limit = 4
    const leaseMs = 1500
    const c = await cluster(t, { UPSTREAM_CONCURRENCY: String(limit), UPSTREAM_LEASE_MS: String(leaseMs), UPSTREAM_ADAPTIVE: 'false', REQUEST_TIMEOUT_MS: '20000' }, 16)
    c.upstream.script('summarize', { kind: 'hang' })
    // Replica 0 takes every permit and hangs on them.
    const doomed = Array.from({ length: limit }, () => c.analyze(0, { text: fresh(), parts: ['summary'] }).catch(() => undefined))
    while (c.upstream.inFlight < limit) await new Promise((resolve) => setTimeout(resolve, 10))
    c.upstream.script('summarize', { kind: 'ok', delayMs: 3000 })
    const waiting = Array.from({ length: limit }, (_, i) => c.analyze(1 + (i % 2), { text: fresh(), parts: ['summary'] }))
    await new Promise((resolve) => setTimeout(resolve, 200))
    t.equal(c.upstream.calls.length, limit, 'the others wait: the cluster is full')
    const killedAt = performance.now()
    c.replicas[0]!.child.kill('SIGKILL')
    void Promise.all(doomed)
    while (c.upstream.calls.length < 2 * limit && performance.now() - killedAt < leaseMs + 5000) await new Promise((resolve) => setTimeout(resolve, 20))
    const ms = performance.now() - killedAt
    t.equal(c.upstream.calls.length, 2 * limit, 'the two others reached the full limit again')
    t.ok(ms <= leaseMs + 1500, `within the lease time (${Math.round(ms)} ms, lease ${leaseMs} ms)`)
    t.same((await Promise.all(waiting)).map((r) => r.status), Array(limit).fill(200))
  })

  t.test('killing redis-server in the middle of a load fails no request; after it returns the global limit holds again', async (t) => {
    const limit = 8
    const c = await cluster(t, { UPSTREAM_CONCURRENCY: String(limit), UPSTREAM_ADAPTIVE: 'false' }, 19)
    c.upstream.script('*', { kind: 'ok', delayMs: 30 })
    const first = load(c, 360, 24)
    await new Promise((resolve) => setTimeout(resolve, 400))
    await c.redis.kill()
    const during = await first
    t.same(during.filter((s) => s !== 200), [], `all ${during.length} requests answered 200 through the outage`)
    t.ok(c.upstream.maxInFlight <= limit, `never more than the global limit meanwhile (max ${c.upstream.maxInFlight}): each replica kept to its share`)
    await c.redis.start()
    // The replicas reconnect by themselves (within half a second of it); give them a moment, then load again.
    await new Promise((resolve) => setTimeout(resolve, 2000))
    c.upstream.resetMax()
    const after = await load(c, 240, 24)
    t.same(after.filter((s) => s !== 200), [])
    t.ok(c.upstream.maxInFlight <= limit, `after Redis returned, max in flight ${c.upstream.maxInFlight} <= ${limit}`)
    t.ok(c.upstream.maxInFlight > Math.floor(limit / 4) * 3 - 1, 'and the cluster works from the shared limit again, not only from its shares')
  })

  t.test('a 429 seen by one replica pauses that endpoint on the others', async (t) => {
    const c = await cluster(t, { UPSTREAM_ADAPTIVE: 'false', REQUEST_TIMEOUT_MS: '10000' }, 22)
    c.upstream.script('summarize', { kind: 'status', status: 429, headers: { 'retry-after': '2' } }, { kind: 'ok' })
    const first = c.analyze(0, { text: fresh(), parts: ['summary'] })
    while (c.upstream.count('summarize') < 1) await new Promise((resolve) => setTimeout(resolve, 10))
    await new Promise((resolve) => setTimeout(resolve, 300))
    const second = c.analyze(1, { text: fresh(), parts: ['summary'] })
    const third = c.analyze(2, { text: fresh(), parts: ['summary'] })
    await new Promise((resolve) => setTimeout(resolve, 700))
    t.equal(c.upstream.count('summarize'), 1, 'no replica called the paused endpoint during the pause')
    const [a, b, d] = await Promise.all([first, second, third])
    t.same([a.status, b.status, d.status], [200, 200, 200])
    t.ok(b.ms >= 1000 && d.ms >= 1000, `the other replicas waited out the pause (${Math.round(b.ms)}, ${Math.round(d.ms)} ms)`)
    t.equal(c.upstream.count('summarize'), 4, 'one 429, then one call each after the pause')
  })

  t.test('the batches of every replica together keep to one share of the cluster\'s limit', async (t) => {
    // A limit of 8: the batches' share is 4 for the whole cluster, not 4 on each of the three replicas.
    const c = await cluster(t, { UPSTREAM_CONCURRENCY: '8', UPSTREAM_ADAPTIVE: 'false', REQUEST_TIMEOUT_MS: '20000' }, 25)
    c.upstream.script('*', { kind: 'ok', delayMs: 100 })
    c.upstream.resetMax()
    const batch = async (i: number) => {
      const res = await request(`${c.replicas[i]!.url}/analyze/batch`, {
        dispatcher: c.client,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ items: Array.from({ length: 8 }, () => ({ text: fresh() })) }),
      })
      return (await res.body.json() as Array<{ status: number }>).map((l) => l.status)
    }
    const answers = await Promise.all([batch(0), batch(1), batch(2)])
    t.same(answers, Array(3).fill(Array(8).fill(200)), 'every item answered')
    t.ok(c.upstream.maxInFlight <= 4, `at most 4 batch calls in flight across the cluster (saw ${c.upstream.maxInFlight})`)
    t.equal(c.upstream.maxInFlight, 4, 'and the share is used')
  })
}
