// A real browser (headless Chromium) on another origin: CORS, readable headers, and Server-Timing in the timeline.
import { createServer } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import type { Test } from 'tap'
import { withChromium } from './helpers/browser.js'
import { build } from './helpers/build.js'

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
</script>`

async function servePage (t: Test): Promise<string> {
  const server = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(PAGE) })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
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
