// The Redis link's outage rule against a real redis-server: failures in a row over time make an outage, one slow moment does not, a probe ends it.
import t from 'tap'
import { RedisLink } from '../src/redis/link.js'
import { hasRedis, startRedis } from './helpers/redis.js'

if (!hasRedis) t.comment('skipped: redis-server is not installed (apt-get install -y redis-server; .ci/run installs it)')

t.test('five failures at once are one slow moment; five over 250 ms are an outage, told once, until a probe is answered', { skip: !hasRedis }, async (t) => {
  const redis = await startRedis(t)
  const logs: string[] = []
  const log = { warn: (_o: object, msg: string) => { logs.push(`warn ${msg}`) }, info: (_o: object, msg: string) => { logs.push(`info ${msg}`) } }
  const link = new RedisLink({ url: redis.url, commandTimeoutMs: 50, probeEveryMs: 100, log })
  t.teardown(() => link.close())
  const told: string[] = []
  link.on('up', () => told.push('up'))
  link.on('down', () => told.push('down'))
  while (!link.up) await new Promise((resolve) => setTimeout(resolve, 10))
  const timeout = new Error('Command timed out')

  for (let i = 0; i < 5; i++) link.failed(timeout)
  t.ok(link.up, 'five timeouts at the same moment are not an outage')
  link.succeeded()
  await new Promise((resolve) => setTimeout(resolve, 300))
  for (let i = 0; i < 4; i++) link.failed(timeout)
  t.ok(link.up, 'a success started the count again')

  redis.pause()
  await new Promise((resolve) => setTimeout(resolve, 260))
  link.failed(timeout)
  t.notOk(link.up, 'the fifth failure in a row, 250 ms after the first, is an outage')
  t.same(told.slice(1), ['down'], 'users are told at once')
  const errors = link.errors
  // Probes every 100 ms, each timing out after 50 ms, find a stalled server still silent.
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.notOk(link.up, 'still down while Redis is stalled')
  t.equal(link.errors, errors, 'probes are not counted as the service\'s failed commands')
  link.failed(timeout)
  t.same(told.slice(1), ['down'], 'and failures during the outage tell nobody again')

  redis.resume()
  for (const end = performance.now() + 3000; !link.up && performance.now() < end;) await new Promise((resolve) => setTimeout(resolve, 10))
  t.ok(link.up, 'a probe is answered: Redis is used again')
  t.same(told, ['up', 'down', 'up'])
  t.same(logs.filter((l) => l.startsWith('warn')), ['warn redis unavailable or slow: working without it until it answers again'], 'the outage is logged once')
  t.equal(logs.at(-1), 'info redis answers again')
})
