// No key anywhere the process writes: stdout, stderr, the log file, metrics, answers; at trace, under load, with failures.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import t from 'tap'
import { Agent, request } from 'undici'
import { startFakeUpstream } from './helpers/fake-upstream.js'
import { SERVER, built, spawnServer, testPort } from './helpers/spawn-server.js'

if (!built) t.fail(`${SERVER} is missing: the test script builds it first (npm test)`)

const UPSTREAM_KEY = 'sk-upstream-9f3b27c1d84e'
const CLIENT_KEY = 'ck-alice-5e81a0c4f7d2'
const METRICS_KEY = 'mk-ops-1c2d3e4f5a6b'
const sha = (key: string): string => createHash('sha256').update(key).digest('hex')

t.test('at LOG_LEVEL=trace, under load with upstream failures and hostile requests, no key appears in anything written', async (t) => {
  const upstream = await startFakeUpstream()
  t.teardown(() => upstream.close())
  // Failures of every kind: 500s (retried, then a breaker), 429, HTML, a reset; then successes.
  upstream.script('summarize', { kind: 'status', status: 500, body: `error for ${UPSTREAM_KEY}` }, { kind: 'status', status: 503 }, { kind: 'ok', delayMs: 20 })
  upstream.script('ner', { kind: 'status', status: 429, headers: { 'retry-after': '0' } }, { kind: 'html' }, { kind: 'ok' })
  upstream.script('most_common_phrases', { kind: 'destroy' }, { kind: 'ok', delayMs: 10 })
  const logFile = `${t.testdir()}/service.log`
  const server = await spawnServer({
    TEXT_API_URL: upstream.url,
    TEXT_API_KEY: UPSTREAM_KEY,
    API_KEYS: `alice:${sha(CLIENT_KEY)}`,
    METRICS_KEY: sha(METRICS_KEY),
    LOG_LEVEL: 'trace',
    LOG_FILE: logFile,
    UPSTREAM_RETRY_BASE_MS: '5',
    BREAKER_MIN_CALLS: '5',
    MAX_EVENT_LOOP_DELAY_MS: '0',
  }, testPort(61))
  t.teardown(() => { server.child.kill('SIGKILL') })
  const client = new Agent({ connections: 20 })
  t.teardown(() => client.close())
  const answers: string[] = []
  const send = async (path: string, headers: Record<string, string>, body: string): Promise<number> => {
    const res = await request(`${server.url}${path}`, { dispatcher: client, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
    answers.push(JSON.stringify(res.headers), await res.body.text())
    return res.statusCode
  }
  const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => {
    const auth: Record<string, string> = i % 3 === 0 ? { 'x-api-key': CLIENT_KEY } : { authorization: `Bearer ${CLIENT_KEY}` }
    if (i % 10 === 9) return send('/analyze', { authorization: `Bearer ${CLIENT_KEY}x` }, '{"text":"wrong key"}')
    if (i % 10 === 8) return send('/analyze', auth, `{"text":"${CLIENT_KEY}`)
    if (i % 10 === 7) return send('/analyze/batch', auth, JSON.stringify({ items: [{ text: `Item ${i}.` }, { text: '' }] }))
    return send('/analyze', { ...auth, 'x-request-id': `secret-${i}` }, JSON.stringify({ text: `Text number ${i}. Short.` }))
  }))
  t.ok(statuses.includes(200) && statuses.some((s) => s >= 400), `a mix of answers (${[...new Set(statuses)].join(', ')})`)
  // Malformed HTTP that carries a key: the parser's raw packet must not reach the log either.
  for (const bytes of [`GET /healthz HTTP/1.1\r\nAuthorization: Bearer ${CLIENT_KEY}\r\nX-A: a\r\n b\r\n\r\n`, `BREW / HTTP/1.1\r\nX-API-Key: ${CLIENT_KEY}\r\n\r\n`]) {
    const socket = connect(testPort(61), '127.0.0.1')
    socket.on('data', (d) => answers.push(String(d)))
    socket.write(bytes)
    await new Promise((resolve) => socket.once('close', resolve))
  }
  const metrics = await request(`${server.url}/metrics`, { dispatcher: client, headers: { authorization: `Bearer ${METRICS_KEY}` } })
  t.equal(metrics.statusCode, 200)
  const metricsText = await metrics.body.text()
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0)

  const log = readFileSync(logFile, 'utf8')
  t.ok(log.split('\n').some((l) => l.includes('"level":10') || l.includes('"level":20')), 'trace and debug lines were written')
  t.match(log, /"code":"MALFORMED_REQUEST"/)
  t.ok(upstream.calls.length > 0 && upstream.calls.every((c) => c.headers.apikey === UPSTREAM_KEY), 'the upstream key was in use')
  const written = { stdout: server.stdout(), stderr: server.stderr(), log, metrics: metricsText, answers: answers.join('\n') }
  for (const [where, text] of Object.entries(written)) {
    for (const [name, key] of [['upstream key', UPSTREAM_KEY], ['client key', CLIENT_KEY], ['metrics key', METRICS_KEY]]) {
      t.notOk(text.includes(key!), `no ${name} in ${where}`)
    }
  }
})
