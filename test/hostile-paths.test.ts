// Paths that look like route patterns, or are huge, get a 404/405 problem document for every method, never a 500.
import { request as httpRequest } from 'node:http'
import t from 'tap'
import { build } from './helpers/build.js'

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const

// Each would be pattern syntax to find-my-way: a wildcard not at the end, a parameter, a regexp group.
const hostile = [
  '/*x', '/*', '/a*b', '/:x', '/:x/:y', '/a/*/b', '/(x)', '/:x(^\\d+$)', '/%2a', '/%2A/x', '/*x?y=1',
  '/analyze/*', '/analyze/:x', '/problems/*/x', '/a%00b', '//*x', '/' + 'a'.repeat(8000), '/problems/' + 'x'.repeat(500),
  '/a'.repeat(2000), '/' + '*'.repeat(500), '/' + ':'.repeat(500), '/' + '('.repeat(200) + ')'.repeat(200),
]

t.test('hostile paths answer 404 NOT_FOUND problem documents for every method', async (t) => {
  const { app, upstream } = await build(t)
  for (const url of hostile) {
    for (const method of METHODS) {
      const res = await app.inject({ method, url })
      const label = `${method} ${url.slice(0, 40)}`
      t.equal(res.statusCode, 404, `${label}: 404`)
      t.match(res.headers['content-type'], /^application\/problem\+json/, `${label}: a problem document`)
      if (method !== 'HEAD') t.equal(res.json().code, 'NOT_FOUND', `${label}: NOT_FOUND`)
    }
  }
  t.equal(upstream.calls.length, 0)
})

t.test('a path that is not valid percent-encoding answers 400 INVALID_URL for every method', async (t) => {
  const { app } = await build(t)
  for (const url of ['/%', '/%zz', '/analyze%', '/problems/%E0%A4%A']) {
    for (const method of METHODS) {
      const res = await app.inject({ method, url })
      t.equal(res.statusCode, 400, `${method} ${url}: 400`)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
      if (method !== 'HEAD') t.match(res.json(), { code: 'INVALID_URL', type: '/problems/invalid-url' })
    }
  }
})

t.test('a hostile path under a real route answers 405 with Allow for the wrong method', async (t) => {
  const { app } = await build(t)
  const cases = [
    { method: 'GET', url: '/analyze?q=*x', allow: 'POST' },
    { method: 'DELETE', url: '/analyze?(x)', allow: 'POST' },
    { method: 'POST', url: '/problems/*x', allow: 'GET, HEAD' },
    { method: 'PUT', url: '/problems/:slug', allow: 'GET, HEAD' },
    { method: 'POST', url: '/problems/%2a', allow: 'GET, HEAD' },
    // The docs' routes too, registered by a plugin of their own.
    { method: 'POST', url: '/openapi.json', allow: 'GET, HEAD' },
    { method: 'DELETE', url: '/docs', allow: 'GET, HEAD' },
    // A prefix's root with its trailing slash: Fastify tells onRoute of its HEAD only.
    { method: 'POST', url: '/docs/', allow: 'GET, HEAD' },
  ] as const
  for (const c of cases) {
    const res = await app.inject({ method: c.method, url: c.url })
    t.equal(res.statusCode, 405, `${c.method} ${c.url}: 405`)
    t.equal(res.headers.allow, c.allow)
    t.equal(res.json().code, 'METHOD_NOT_ALLOWED')
  }
  // The route itself treats a pattern-looking value as data.
  const slug = await app.inject({ method: 'GET', url: '/problems/*x' })
  t.equal(slug.statusCode, 404)
  t.match(slug.json(), { code: 'NOT_FOUND', detail: 'there is no problem type "*x"' })
})

t.test('over a real socket too: the paths of the report answer 404, and the service keeps serving', async (t) => {
  const { url, analyze } = await build(t)
  const { port } = new URL(url)
  for (const [method, path] of [['GET', '/*x'], ['POST', '/*x'], ['POST', '/a*b'], ['GET', '/a/*/b']] as const) {
    const res = await new Promise<{ status: number, body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { connection: 'close' } }, (res) => {
        let body = ''
        res.on('data', (d) => { body += d })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      req.on('error', reject)
      req.end()
    })
    t.equal(res.status, 404, `${method} ${path}`)
    t.equal(JSON.parse(res.body).code, 'NOT_FOUND')
  }
  t.equal((await analyze({ text: 'Still serving. Yes.' })).status, 200)
})
