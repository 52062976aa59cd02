// CORS: off by default; when configured, preflights pass for listed origins and the useful headers are exposed.
import t from 'tap'
import { request } from 'undici'
import { build } from './helpers/build.js'

const PAGE = 'http://127.0.0.1:8080'

t.test('without CORS_ORIGINS no CORS header is sent and a preflight is refused', async (t) => {
  const { url, client, analyze } = await build(t)
  const res = await analyze({ text: 'Hello there. General Kenobi.' }, { origin: PAGE })
  t.equal(res.status, 200)
  t.equal(res.headers['access-control-allow-origin'], undefined)
  const preflight = await request(`${url}/analyze`, { dispatcher: client, method: 'OPTIONS', headers: { origin: PAGE, 'access-control-request-method': 'POST' } })
  await preflight.body.dump()
  t.equal(preflight.statusCode, 405)
  t.equal(preflight.headers['access-control-allow-origin'], undefined)
})

t.test('a listed origin passes the preflight and may read the request id, timings and partial marker', async (t) => {
  const { url, client, analyze } = await build(t, { CORS_ORIGINS: `${PAGE}, https://app.example.com` })
  const preflight = await request(`${url}/analyze`, {
    dispatcher: client,
    method: 'OPTIONS',
    headers: { origin: PAGE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-request-id' },
  })
  await preflight.body.dump()
  t.equal(preflight.statusCode, 204)
  t.equal(preflight.headers['access-control-allow-origin'], PAGE)
  t.match(preflight.headers['access-control-allow-methods'], /POST/)
  t.match(preflight.headers['access-control-allow-headers'], /content-type/)
  const res = await analyze({ text: 'Hello there. General Kenobi.' }, { origin: PAGE })
  t.equal(res.headers['access-control-allow-origin'], PAGE)
  t.equal(res.headers['access-control-expose-headers'], 'x-request-id, server-timing, partial-response, retry-after, cache-status, ratelimit, ratelimit-policy, www-authenticate')
  t.equal(res.headers['timing-allow-origin'], PAGE)
  t.equal(res.headers.vary, 'Origin, Accept', 'the answer varies with both')
})

t.test('an origin that is not listed gets no CORS grant', async (t) => {
  const { analyze } = await build(t, { CORS_ORIGINS: 'https://app.example.com' })
  const res = await analyze({ text: 'Hello there.' }, { origin: 'https://evil.example' })
  t.equal(res.headers['access-control-allow-origin'], undefined)
  t.equal(res.headers['timing-allow-origin'], undefined)
})

t.test('with CORS on, an unknown path is still a 404 and a wrong method a 405: the preflight route makes no path exist', async (t) => {
  const { app } = await build(t, { CORS_ORIGINS: PAGE })
  for (const method of ['GET', 'POST'] as const) {
    const res = await app.inject({ method, url: '/nonexistent' })
    t.equal(res.statusCode, 404, `${method} /nonexistent`)
    t.equal(res.json().code, 'NOT_FOUND')
  }
  const wrong = await app.inject({ method: 'GET', url: '/analyze' })
  t.equal(wrong.statusCode, 405)
  t.equal(wrong.headers.allow, 'POST')
  const preflight = await app.inject({ method: 'OPTIONS', url: '/analyze', headers: { origin: PAGE, 'access-control-request-method': 'POST' } })
  t.equal(preflight.statusCode, 204, 'and the preflight still passes')
  // An OPTIONS that is not a preflight answers as it does with CORS off, not with @fastify/cors's text/plain 400.
  for (const headers of [{}, { origin: PAGE }, { 'access-control-request-method': 'POST' }]) {
    const plain = await app.inject({ method: 'OPTIONS', url: '/analyze', headers })
    t.equal(plain.statusCode, 405, `OPTIONS with ${JSON.stringify(headers)}`)
    t.match(plain.headers['content-type'], /^application\/problem\+json/)
    t.equal(plain.headers.allow, 'POST')
    t.equal(plain.json().code, 'METHOD_NOT_ALLOWED')
  }
  const nowhere = await app.inject({ method: 'OPTIONS', url: '/nonexistent' })
  t.equal(nowhere.statusCode, 404, 'a plain OPTIONS on an unknown path')
})

t.test('an invalid CORS_ORIGINS stops start-up with its name', async (t) => {
  const { buildApp } = await import('../src/app.js')
  await t.rejects(buildApp({ env: { CORS_ORIGINS: 'app.example.com' } }), { name: 'ConfigError', message: /CORS_ORIGINS must match pattern/ })
})
