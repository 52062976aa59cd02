// @ts-check
// The /analyze job as the floors do it: one undici Agent, a tiny FIFO semaphore, three calls at once, the service's answer shape.
import { Agent } from 'undici'

/**
 * What both floors (bare node:http, and a bare Fastify route) run for one request, so that the two
 * differ only in what serves the request. Configured from the environment the bench gives every target.
 * @param {NodeJS.ProcessEnv} env
 */
export function floorJob (env) {
  const base = new URL(env.TEXT_API_URL ?? 'http://127.0.0.1:8080/text')
  const apiKey = env.TEXT_API_KEY ?? 'bench'
  const concurrency = Number(env.UPSTREAM_CONCURRENCY ?? 64)
  const origin = base.origin
  const basePath = base.pathname.replace(/\/$/, '')
  const agent = new Agent({ connections: concurrency, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 })

  // Permits with a FIFO queue; `head` avoids Array#shift on long queues.
  let free = concurrency
  /** @type {Array<(() => void) | undefined>} */
  let waiters = []
  let head = 0
  function acquire () {
    if (free > 0) {
      free--
      return Promise.resolve()
    }
    return new Promise((resolve) => { waiters.push(/** @type {() => void} */ (resolve)) })
  }
  function release () {
    if (head < waiters.length) {
      const next = waiters[head]
      waiters[head++] = undefined
      if (head === waiters.length) {
        waiters = []
        head = 0
      }
      /** @type {() => void} */ (next)()
    } else {
      free++
    }
  }

  /** @param {string} endpoint @param {string} body */
  async function call (endpoint, body) {
    await acquire()
    try {
      const res = await agent.request({
        origin,
        path: `${basePath}/${endpoint}`,
        method: 'POST',
        headers: { apikey: apiKey, 'content-type': 'application/json' },
        body
      })
      if (res.statusCode !== 200) {
        await res.body.dump()
        throw new Error(`upstream ${endpoint} answered ${res.statusCode}`)
      }
      return JSON.parse(await res.body.text())
    } finally {
      release()
    }
  }

  let nextId = 0

  /** @param {string} endpoint @param {string} body */
  async function timed (endpoint, body) {
    const t0 = performance.now()
    try {
      return { value: await call(endpoint, body), report: { status: 'ok', durationMs: performance.now() - t0 } }
    } catch {
      return { value: null, report: { status: 'error', durationMs: performance.now() - t0 } }
    }
  }

  return {
    agent,
    /**
     * Same shape as the service's 200 answer: normalised entities, a report per part, a request id.
     * @param {string} text
     */
    async analyze (text) {
      const body = JSON.stringify({ text })
      const [s, n, p] = await Promise.all([timed('summarize', body), timed('ner', body), timed('most_common_phrases', body)])
      const failed = (s.value === null ? 1 : 0) + (n.value === null ? 1 : 0) + (p.value === null ? 1 : 0)
      return {
        ok: failed < 3,
        result: {
          summary: s.value?.summary ?? null,
          entities: n.value?.ner.map((/** @type {[string, string]} */ [type, t]) => ({ type, text: t })) ?? null,
          mostCommonPhrases: p.value?.['most common phrases'] ?? null,
          parts: { summary: s.report, entities: n.report, mostCommonPhrases: p.report },
          partial: failed > 0,
          requestId: `floor-${++nextId}`
        }
      }
    }
  }
}
