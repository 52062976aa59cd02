// GET /playground and its assets over HTTP: types, revalidation, the OpenAPI entry, PLAYGROUND=false, and the built service serving it.
import t from 'tap'
import { request } from 'undici'
import { build } from './helpers/build.js'
import { startFakeUpstream } from './helpers/fake-upstream.js'
import { SERVER, built, spawnServer, testPort } from './helpers/spawn-server.js'

const FILES = [
  ['/playground', /^text\/html; charset=utf-8$/, /<textarea id="text"/],
  ['/playground/app.js', /^text\/javascript; charset=utf-8$/, /application\/x-ndjson/],
  ['/playground/app.css', /^text\/css; charset=utf-8$/, /mark\.entity/],
] as const

t.test('serves the page, its script and its stylesheet with their types, revalidated by ETag', async (t) => {
  const { app } = await build(t)
  for (const [path, type, body] of FILES) {
    const res = await app.inject(path)
    t.equal(res.statusCode, 200, path)
    t.match(res.headers['content-type'], type)
    t.match(res.body, body)
    t.equal(res.headers['cache-control'], 'no-cache', 'revalidated on every use, so a release shows at once')
    t.match(res.headers.etag, /^"[\w-]{27}"$/)
    const again = await app.inject({ url: path, headers: { 'if-none-match': res.headers.etag as string } })
    t.equal(again.statusCode, 304, `${path}: unchanged, no body`)
    t.equal(again.body, '')
    const stale = await app.inject({ url: path, headers: { 'if-none-match': '"old"' } })
    t.equal(stale.statusCode, 200, `${path}: another ETag gets the file`)
    // As caches and proxies send it (RFC 9110 13.1.2): weak, in a list, or any.
    for (const given of [`W/${res.headers.etag as string}`, `"old", ${res.headers.etag as string}`, '*']) {
      const cached = await app.inject({ url: path, headers: { 'if-none-match': given } })
      t.equal(cached.statusCode, 304, `${path}: If-None-Match: ${given} is a match`)
    }
  }
})

t.test('the OpenAPI document describes the page as HTML and leaves its assets out', async (t) => {
  const { app } = await build(t)
  const doc = (await app.inject('/openapi.json')).json() as { paths: Record<string, any> }
  t.ok(doc.paths['/playground']?.get.responses['200'].content['text/html'], 'GET /playground answers text/html')
  t.same(Object.keys(doc.paths).filter((p) => p.startsWith('/playground/')), [], 'no asset route')
})

t.test('PLAYGROUND=false: no page, no assets, a 404 problem document', async (t) => {
  const { app } = await build(t, { PLAYGROUND: false })
  for (const [path] of FILES) {
    const res = await app.inject(path)
    t.equal(res.statusCode, 404, path)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.equal(res.json().code, 'NOT_FOUND')
  }
})

t.test('the built service (node dist/server.js) serves the files the build copied next to it', { skip: built ? false : `${SERVER} is missing (npm test builds it)` }, async (t) => {
  // A fake upstream: the embedded engine would only make the start slower.
  const upstream = await startFakeUpstream()
  t.teardown(() => upstream.close())
  const server = await spawnServer({ LOG_LEVEL: 'silent', TEXT_API_URL: upstream.url, TEXT_API_KEY: 'k', MAX_EVENT_LOOP_DELAY_MS: '0' }, testPort(40))
  t.teardown(() => { server.child.kill('SIGKILL') })
  for (const [path, type, body] of FILES) {
    const res = await request(`${server.url}${path}`)
    t.equal(res.statusCode, 200, path)
    t.match(res.headers['content-type'], type)
    t.match(await res.body.text(), body)
  }
})
