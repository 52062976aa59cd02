// A real browser (headless Chromium) on another origin: CORS with and without client keys, readable headers, and Server-Timing in the timeline.
import { createServer } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import type { Test } from 'tap'
import type { Page } from 'playwright-core'
import { withChromium } from './helpers/browser.js'
import { build } from './helpers/build.js'
import { keyEntry } from '../src/clients/keys.js'

// The page the frontend would be: it calls the service on another origin and reports what it could see.
const PAGE = `<!doctype html><meta charset="utf-8"><title>frontend</title><script>
window.analyze = async (api) => {
  try {
    const res = await fetch(api + '/analyze', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'browser-1' },
      body: JSON.stringify({ text: 'Ada Lovelace wrote the first program. Charles Babbage designed the engine.' }),
    })
    const body = await res.json()
    await new Promise((resolve) => setTimeout(resolve, 50))
    const entry = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/analyze'))
    return {
      status: res.status,
      requestId: res.headers.get('x-request-id'),
      partial: res.headers.get('partial-response'),
      summary: body.summary,
      timings: entry.serverTiming.map((s) => ({ name: s.name, duration: s.duration, description: s.description })),
    }
  } catch (err) {
    return { error: String(err) }
  }
}
window.call = async (api, key) => {
  try {
    const res = await fetch(api + '/analyze', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'x-api-key': key }) },
      body: JSON.stringify({ text: 'Ada Lovelace wrote the first program.' }),
    })
    const body = await res.json()
    return {
      status: res.status,
      code: body.code,
      summary: body.summary,
      rateLimit: res.headers.get('ratelimit'),
      rateLimitPolicy: res.headers.get('ratelimit-policy'),
      wwwAuthenticate: res.headers.get('www-authenticate'),
    }
  } catch (err) {
    return { error: String(err) }
  }
}
</script>`

async function servePage (t: Test): Promise<string> {
  const server = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(PAGE) })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** Runs the page's `call`: POST /analyze on the service at `api`, with `key` as X-API-Key when given. */
function callFrom (page: Page, api: string, key?: string): Promise<any> {
  return page.evaluate(([api, key]) => (globalThis as unknown as { call (api: string, key?: string): Promise<unknown> }).call(api, key), [api, key] as const)
}

withChromium(t, (browser) => {
  t.test('a frontend on an allowed origin reads the analysis, its request id, the partial marker and per-part timings', async (t) => {
    const pageOrigin = await servePage(t)
    const { url, upstream } = await build(t, { CORS_ORIGINS: pageOrigin })
    upstream.script('ner', { kind: 'status', status: 500 })
    const page = await browser().newPage()
    t.teardown(() => page.close())
    await page.goto(pageOrigin)
    const seen = await page.evaluate((api) => (globalThis as unknown as { analyze (api: string): Promise<unknown> }).analyze(api), url) as any
    t.equal(seen.error, undefined, 'the cross-origin call went through')
    t.equal(seen.status, 200)
    t.equal(seen.requestId, 'browser-1', 'the request id header is readable')
    t.equal(seen.partial, 'entities', 'the partial marker is readable')
    t.type(seen.summary, 'string')
    t.same(seen.timings.map((s: { name: string }) => s.name), ['summary', 'entities', 'mostCommonPhrases'], 'Server-Timing reached the browser timeline')
    t.ok(seen.timings.every((s: { duration: number }) => s.duration >= 0), 'with durations')
    t.equal(seen.timings[1].description, 'UPSTREAM_ERROR', 'the failed part says why')
  })

  t.test('with client keys, a frontend on an allowed origin calls with its key and reads the answer and where it stands; without a key it reads the 401', async (t) => {
    const pageOrigin = await servePage(t)
    const { url, upstream } = await build(t, { CORS_ORIGINS: pageOrigin, API_KEYS: keyEntry('web', 'sk-web-2'), RATE_LIMIT_PER_MIN: 50, QUOTA_CHARS_PER_MIN: 10_000 })
    const page = await browser().newPage()
    t.teardown(() => page.close())
    await page.goto(pageOrigin)
    const seen = await callFrom(page, url, 'sk-web-2')
    t.equal(seen.error, undefined, 'the preflight admits X-API-Key')
    t.equal(seen.status, 200)
    t.equal(seen.summary, 'Ada Lovelace wrote the first program.')
    t.match(seen.rateLimit, /^"requests";r=49;t=\d+, "chars";r=9963;t=\d+$/, 'RateLimit is readable')
    t.equal(seen.rateLimitPolicy, '"requests";q=50;w=60, "chars";q=10000;w=60;qu="chars"', 'RateLimit-Policy is readable')
    const refused = await callFrom(page, url)
    t.match(refused, { status: 401, code: 'UNAUTHORIZED', wwwAuthenticate: 'Bearer realm="text-bff"' }, 'the 401 and its challenge are readable')
    t.equal(upstream.count('summarize'), 1, 'only the call with a key reached the upstream')
  })

  t.test('with client keys, a page on an origin outside CORS_ORIGINS is refused by the browser, key or not', async (t) => {
    const allowed = await servePage(t)
    const other = await servePage(t)
    const { url, upstream } = await build(t, { CORS_ORIGINS: allowed, API_KEYS: keyEntry('web', 'sk-web-3') })
    const page = await browser().newPage()
    t.teardown(() => page.close())
    await page.goto(other)
    for (const key of ['sk-web-3', undefined]) {
      const seen = await callFrom(page, url, key)
      t.match(seen.error, /TypeError: Failed to fetch/, `refused ${key === undefined ? 'without' : 'with'} a key`)
    }
    t.equal(upstream.calls.length, 0, 'nothing was analysed')
  })

  t.test('without CORS_ORIGINS the browser blocks a cross-origin page from reading the answer', async (t) => {
    const pageOrigin = await servePage(t)
    const { url } = await build(t)
    const page = await browser().newPage()
    t.teardown(() => page.close())
    await page.goto(pageOrigin)
    const seen = await page.evaluate((api) => (globalThis as unknown as { analyze (api: string): Promise<unknown> }).analyze(api), url) as any
    t.match(seen.error, /TypeError: Failed to fetch/)
  })
})
