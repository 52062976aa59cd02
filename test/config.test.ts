// Configuration the per-variable schema cannot judge: numbers the coercion would misread, URLs, rules between variables.
import t from 'tap'
import { buildApp } from '../src/app.js'

const base = { TEXT_API_URL: 'http://127.0.0.1:9/text', TEXT_API_KEY: 'k' }

t.test('a whole number is written in decimal digits: 0x10, 1e4, 16.0 and +16 are refused, not read as something else', async (t) => {
  for (const value of ['0x10', '1e4', '16.0', '+16']) {
    await t.rejects(buildApp({ env: { ...base, PORT: value } }), { name: 'ConfigError', message: `invalid configuration: PORT must be a whole number in decimal digits, got ${JSON.stringify(value)}` }, value)
  }
  await t.rejects(buildApp({ env: { ...base, PORT: 'eighty' } }), { message: /PORT must be integer/ }, 'what is no number is the schema\'s to refuse')
  await t.rejects(buildApp({ env: { ...base, UPSTREAM_CONCURRENCY: '-1' } }), { message: /UPSTREAM_CONCURRENCY must be >= 0/ }, 'and what is out of range')
  const app = await buildApp({ env: { ...base, PORT: ' 3000 ', MAX_BATCH_ITEMS: 7 } })
  t.teardown(() => app.close())
  t.equal(app.config.PORT, 3000)
  t.equal(app.config.MAX_BATCH_ITEMS, 7, 'numbers given as numbers pass')
})

t.test('URLs that match the patterns but do not parse, or hold what would be dropped, stop start-up without repeating a password', async (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ TEXT_API_URL: 'http://user:hunter2@127.0.0.1:99999/text' }, /TEXT_API_URL is not a valid URL/],
    [{ TEXT_API_URL: 'http://:80/text' }, /TEXT_API_URL is not a valid URL/],
    [{ TEXT_API_URL: 'http://user:hunter2@127.0.0.1:8080/text' }, /TEXT_API_URL must not hold credentials/],
    [{ REDIS_URL: 'redis://:hunter2@127.0.0.1:99999/0' }, /REDIS_URL is not a valid URL/],
    [{ REDIS_URL: 'redis://127.0.0.1:6379/abc' }, /REDIS_URL's path must be a database number/],
  ]
  for (const [env, message] of cases) {
    const err = await buildApp({ env: { ...base, ...env } }).then(() => undefined, (e: unknown) => e as Error)
    t.match(err, { name: 'ConfigError', message }, JSON.stringify(env))
    t.notMatch(JSON.stringify({ ...err, message: err?.message, stack: err?.stack }), /hunter2/, 'the password is not repeated')
  }
})

t.test('rules between variables: the fallback share not more than the limit', async (t) => {
  await t.rejects(buildApp({ env: { ...base, UPSTREAM_CONCURRENCY: 8, UPSTREAM_FALLBACK_CONCURRENCY: 9 } }), { message: /UPSTREAM_FALLBACK_CONCURRENCY \(9\) must not exceed UPSTREAM_CONCURRENCY \(8\)/ })
  const app = await buildApp({ env: { ...base, UPSTREAM_CONCURRENCY: 8, UPSTREAM_FALLBACK_CONCURRENCY: 8 } })
  await app.close()
  t.pass('the limits themselves are allowed')
})
