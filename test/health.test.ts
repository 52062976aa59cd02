// Health for orchestrators: liveness that never fails on the upstream, readiness that says why not, and the drain on SIGTERM.
import t from 'tap'
import { Agent, request } from 'undici'
import { build } from './helpers/build.js'
import { startFakeUpstream } from './helpers/fake-upstream.js'
import { SERVER, built, spawnServer, testPort } from './helpers/spawn-server.js'

t.test('ready reports each breaker with its next probe, the limiter, and turns 503 with a reason while every circuit is open', async (t) => {
  const b = await build(t, { BREAKER_MIN_CALLS: 1, UPSTREAM_MAX_ATTEMPTS: 1, BREAKER_HALF_OPEN_AFTER_MS: 20_000 })
  const ready = await b.app.inject('/health/ready')
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), {
    status: 'ready',
    reasons: [],
    upstream: { embedded: false, circuits: { summarize: { state: 'closed' }, ner: { state: 'closed' } }, limiter: { mode: 'local', inFlight: 0, limit: 32, waiting: 0, adaptiveLimit: 32 } },
  })
  b.upstream.script('*', { kind: 'status', status: 500 })
  await b.analyze({ text: 'One. Two.' })
  const open = await b.app.inject('/health/ready')
  t.equal(open.statusCode, 503)
  t.match(open.json(), { status: 'not-ready', reasons: ['circuits-open'], upstream: { circuits: { summarize: { state: 'open', retryInS: 20 } } } })
  const live = await b.app.inject('/health/live')
  t.equal(live.statusCode, 200, 'liveness does not care: restarting would not bring the upstream back')
  t.equal((await b.app.inject('/healthz')).statusCode, 503, '/healthz is an alias of ready')
})

t.test('the probes answer while the event loop lags; /analyze is shed meanwhile', async (t) => {
  const b = await build(t, { MAX_EVENT_LOOP_DELAY_MS: 20 })
  // A sustained lag, over more than @fastify/under-pressure's one-second sample: 60 ms blocks with a turn
  // of the loop between them, so its timers see each delay.
  const until = Date.now() + 1600
  while (Date.now() < until) {
    const block = Date.now() + 60
    while (Date.now() < block) { /* busy */ }
    await new Promise((resolve) => setImmediate(resolve))
  }
  const shed = await b.app.inject({ method: 'POST', url: '/analyze', payload: { text: 'x' } })
  t.equal(shed.statusCode, 503, 'the lag is seen')
  t.equal(shed.json().code, 'OVERLOADED')
  t.equal((await b.app.inject('/health/live')).statusCode, 200, 'liveness still answers')
  t.equal((await b.app.inject('/health/ready')).statusCode, 200, 'readiness answers for itself')
})

t.test('SIGTERM with SHUTDOWN_DELAY_MS: not ready at once while requests are still served, then exit 0', { skip: built ? false : `${SERVER} is missing` }, async (t) => {
  const upstream = await startFakeUpstream()
  t.teardown(() => upstream.close())
  const server = await spawnServer({ TEXT_API_URL: upstream.url, TEXT_API_KEY: 'k', SHUTDOWN_DELAY_MS: '1500', MAX_EVENT_LOOP_DELAY_MS: '0' }, testPort(30))
  t.teardown(() => server.stop())
  const client = new Agent({ keepAliveTimeout: 100 })
  t.teardown(() => client.close())
  server.child.kill('SIGTERM')
  await new Promise((resolve) => setTimeout(resolve, 200))
  const ready = await request(`${server.url}/health/ready`, { dispatcher: client })
  t.equal(ready.statusCode, 503)
  t.match(await ready.body.json(), { status: 'not-ready', reasons: ['draining'] })
  const served = await request(`${server.url}/analyze`, { dispatcher: client, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Still here. Yes.' }) })
  t.equal(served.statusCode, 200, 'an analysis during the delay is still served')
  await served.body.dump()
  t.equal(await server.exited, 0)
  const lines = server.stdout().trim().split('\n').map((l) => JSON.parse(l) as { msg: string, time: number })
  const draining = lines.find((l) => l.msg.startsWith('draining'))
  const closing = lines.find((l) => l.msg === 'shutting down: finishing in-flight requests')
  t.ok(draining !== undefined && closing !== undefined, 'it drained, then shut down')
  t.ok(closing!.time - draining!.time >= 1400, `it stopped accepting only after the delay (${closing!.time - draining!.time} ms)`)
})
