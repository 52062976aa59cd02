// The engine's runtime tests: prose of any size, a TextEngine and its server on loopback, requests and stats.
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'
import { Agent, request } from 'undici'
import type { Dispatcher } from 'undici'
import type { EngineStats } from '../../src/engine/engine-stats.js'
import { createEngineServer } from '../../src/engine/server.js'
import { TextEngine } from '../../src/engine/text-engine.js'
import type { TextEngineOptions } from '../../src/engine/text-engine.js'

export const texts = JSON.parse(readFileSync(new URL('../engine/fixtures/texts.json', import.meta.url), 'utf8')) as Record<string, string>

/**
 * Ordinary prose of about `chars` characters: the fixtures, years shifted on each pass; `variant`
 * changes every number, so texts of the same size are different texts (no shared task).
 */
export function prose (chars: number, variant = 0): string {
  const paragraphs = Object.values(texts)
  let text = ''
  for (let i = 0; text.length < chars; i++) {
    text += (paragraphs[i % paragraphs.length] ?? '').replace(/\b1[0-9]{3}\b/gu, (y) => String(Number(y) + i + variant * 7)) + '\n\n'
  }
  return text.slice(0, text.lastIndexOf('.', chars) + 1)
}

export interface Harness {
  readonly engine: TextEngine
  readonly server: Server
  readonly url: string
  /** one connection per request in flight, as the service's Agent does */
  readonly agent: Agent
}

/**
 * A TextEngine with its server on a loopback port, closed at teardown: server and client first,
 * then the pool. Resolves once every thread has loaded the models, not just the small-text one.
 */
export async function startEngine (t: Test, opts: TextEngineOptions & { apiKey?: string } = {}): Promise<Harness> {
  const engine = TextEngine.start({ workers: 2, ...opts })
  await waitFor('every thread to load the models', () => engine.stats().workers === engine.threads, 120_000)
  const server = createEngineServer({ engine, apiKey: opts.apiKey })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  const agent = new Agent({ keepAliveTimeout: 1_000, connections: 64 })
  t.teardown(async () => {
    await agent.destroy()
    server.closeAllConnections()
    server.close()
    await once(server, 'close')
    await engine.close()
  })
  return { engine, server, url: `http://127.0.0.1:${port}/text`, agent }
}

export interface Answer {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: Record<string, unknown>
  /** ms from sending to the whole answer */
  readonly ms: number
}

export async function post (dispatcher: Dispatcher, url: string, text: string,
  opts: { apikey?: string, timeoutMs?: number, signal?: AbortSignal } = {}): Promise<Answer> {
  const started = performance.now()
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (opts.apikey !== undefined) headers.apikey = opts.apikey
  if (opts.timeoutMs !== undefined) headers['request-timeout-ms'] = String(opts.timeoutMs)
  const res = await request(url, { dispatcher, method: 'POST', headers, body: JSON.stringify({ text }), signal: opts.signal })
  const body = await res.body.json() as Record<string, unknown>
  return { status: res.statusCode, headers: res.headers, body, ms: performance.now() - started }
}

export async function stats (dispatcher: Dispatcher, url: string, apikey?: string): Promise<EngineStats> {
  const res = await request(`${url}/_stats`, { dispatcher, headers: apikey === undefined ? {} : { apikey } })
  if (res.statusCode !== 200) throw new Error(`stats answered ${res.statusCode}: ${await res.body.text()}`)
  return await res.body.json() as EngineStats
}

/** Polls until `check` holds; a generous bound, since the point is the state, not the time. */
export async function waitFor (what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Settles with the outcome of a request that the test aborts, instead of rejecting. */
export function settled<T> (promise: Promise<T>): Promise<T | Error> {
  return promise.catch((err: Error) => err)
}
