// Builds the app on a real loopback port in front of a fake upstream, torn down with the test.
import { Writable } from 'node:stream'
import pino from 'pino'
import { Agent, request } from 'undici'
import type { Dispatcher } from 'undici'
import { buildApp } from '../../src/app.js'
import type { FastifyBaseLogger } from 'fastify'
import { startFakeUpstream } from './fake-upstream.js'
import type { FakeUpstream } from './fake-upstream.js'

export const TEST_KEY = 'sk-test-7d1f0c2e9a'

interface Teardown { teardown (fn: () => unknown): void }

export interface Built {
  app: Awaited<ReturnType<typeof buildApp>>
  upstream: FakeUpstream
  url: string
  /** Every log line the app wrote, as text. */
  logs: string[]
  /** POST /analyze through a client Agent of the test's own. */
  analyze (body: unknown, headers?: Record<string, string>): Promise<{ status: number, headers: Record<string, any>, body: any }>
  client: Agent
}

export async function build (t: Teardown, env: Record<string, unknown> = {}): Promise<Built> {
  const upstream = await startFakeUpstream()
  const logs: string[] = []
  const sink = new Writable({ write (chunk, _enc, cb) { logs.push(String(chunk)); cb() } })
  const { app, url, client } = await listenApp(t, {
    TEXT_API_URL: upstream.url,
    TEXT_API_KEY: TEST_KEY,
    MAX_EVENT_LOOP_DELAY_MS: 0,
    UPSTREAM_RETRY_BASE_MS: 5,
    ...env,
  }, pino({ level: 'debug' }, sink))
  t.teardown(() => upstream.close())
  return {
    app,
    upstream,
    url,
    logs,
    client,
    analyze: (body, headers = {}) => post(client, `${url}/analyze`, body, headers),
  }
}

/**
 * Builds the app from `env`, listens on a loopback port, and gives a client Agent of the test's own;
 * the app and the Agent close at teardown.
 */
export async function listenApp (t: Teardown, env: Record<string, unknown>, logger?: FastifyBaseLogger) {
  const app = await buildApp(logger === undefined ? { env } : { env, logger })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  const client = new Agent({ keepAliveTimeout: 500 })
  t.teardown(async () => {
    await app.close()
    await client.close()
  })
  return { app, url, client }
}

export async function post (dispatcher: Dispatcher, url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await request(url, {
    dispatcher,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.body.text()
  let parsed: unknown = text
  try { parsed = JSON.parse(text) } catch {}
  return { status: res.statusCode, headers: res.headers as Record<string, any>, body: parsed as any }
}
