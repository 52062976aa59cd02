// The engine's HTTP server: the contract's bodies, its refusals, the apikey and keep-alive.
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import t from 'tap'
import type { Test } from 'tap'
import { Client } from 'undici'
import { EngineOptionError } from '../../src/engine/errors.js'
import { createEngineServer } from '../../src/engine/server.js'
import type { EngineServerOptions } from '../../src/engine/server.js'
import { TextEngine } from '../../src/engine/text-engine.js'

const TEXT = 'Ada Lovelace met Charles Babbage in London in 1833. She wrote notes on his Analytical Engine. ' +
  'The notes described the first algorithm for the Analytical Engine.'

interface Harness { client: Client, server: Server, connections: () => number }

// The server no longer analyses in-process: it is given a TextEngine, whose worker threads take
// seconds to load, so one engine per maxPhrases serves the whole file and is closed at its end.
const engines = new Map<number | undefined, TextEngine>()
function engineWith (maxPhrases?: number): TextEngine {
  let engine = engines.get(maxPhrases)
  if (engine === undefined) {
    engine = TextEngine.start({ workers: 1, maxPhrases })
    engines.set(maxPhrases, engine)
  }
  return engine
}
t.teardown(async () => {
  for (const engine of engines.values()) await engine.close()
})

/** A listening server and a keep-alive client on loopback, both closed at teardown. */
async function build (t: Test, options: Omit<EngineServerOptions, 'engine'> & { maxPhrases?: number } = {}): Promise<Harness> {
  const { maxPhrases, ...rest } = options
  const server = createEngineServer({ ...rest, engine: engineWith(maxPhrases) })
  let connections = 0
  server.on('connection', () => { connections++ })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  const client = new Client(`http://127.0.0.1:${port}`, { keepAliveTimeout: 1_000 })
  t.teardown(async () => {
    await client.close()
    server.close()
    await once(server, 'close')
  })
  return { client, server, connections: () => connections }
}

async function post (client: Client, path: string, body: string, headers: Record<string, string> = {}) {
  const res = await client.request({ method: 'POST', path, body, headers: { 'content-type': 'application/json', ...headers } })
  const text = await res.body.text()
  return { status: res.statusCode, headers: res.headers, text, json: (): unknown => JSON.parse(text) }
}

t.test('answers each endpoint with the contract\'s body, under any base path', async (t) => {
  const { client } = await build(t)
  const body = JSON.stringify({ text: TEXT })

  const summary = await post(client, '/text/summarize', body)
  t.equal(summary.status, 200)
  t.match(summary.headers['content-type'], /^application\/json/u)
  t.match(summary.json(), { summary: String })

  const entities = await post(client, '/ner', body)
  t.equal(entities.status, 200)
  t.same((entities.json() as { ner: unknown[] }).ner.slice(0, 2), [['PERSON', 'Ada Lovelace'], ['PERSON', 'Charles Babbage']])

  const phrases = await post(client, '/api/v1/text/most_common_phrases/', body)
  t.equal(phrases.status, 200)
  const list = (phrases.json() as Record<string, unknown>)['most common phrases']
  t.ok(Array.isArray(list) && list.includes('Analytical Engine'), JSON.stringify(list))
})

t.test('caps phrases at the configured maximum', async (t) => {
  const { client } = await build(t, { maxPhrases: 1 })
  const res = await post(client, '/text/most_common_phrases', JSON.stringify({ text: TEXT }))
  t.same(res.json(), { 'most common phrases': ['Analytical Engine'] })
})

t.test('refuses empty or whitespace text with 400 and a JSON error', async (t) => {
  const { client } = await build(t)
  for (const text of ['', '   \n\t ']) {
    const res = await post(client, '/text/summarize', JSON.stringify({ text }))
    t.equal(res.status, 400)
    t.same(res.json(), { error: 'text must not be empty' })
  }
})

t.test('refuses a body that is not JSON, or has no string text, with 400', async (t) => {
  const { client } = await build(t)
  for (const body of ['{"text": ', 'text=hello', '', '[]', 'null', '{"text": 42}', '{"txt": "hello"}']) {
    const res = await post(client, '/text/ner', body)
    t.equal(res.status, 400, body)
    t.match(res.json(), { error: String }, body)
  }
})

t.test('answers 404 for an unknown endpoint and 405 for a method other than POST', async (t) => {
  const { client } = await build(t)
  const missing = await post(client, '/text/sentiment', JSON.stringify({ text: TEXT }))
  t.equal(missing.status, 404)
  t.same(missing.json(), { error: 'not found' })

  const res = await client.request({ method: 'GET', path: '/text/summarize' })
  t.equal(res.statusCode, 405)
  t.equal(res.headers.allow, 'POST')
  t.same(await res.body.json(), { error: 'method not allowed' })
})

t.test('answers 413 for a body over the limit, declared or streamed, and closes that connection', async (t) => {
  const { client } = await build(t, { bodyLimit: 64 })
  const declared = await post(client, '/text/ner', JSON.stringify({ text: 'x'.repeat(100) }))
  t.equal(declared.status, 413)
  t.equal(declared.headers.connection, 'close')
  t.match(declared.json(), { error: /64 bytes/u })

  // chunked, so only reading the body shows it is too large
  const res = await client.request({ method: 'POST', path: '/text/ner', body: Readable.from([Buffer.from('{"text": "'), Buffer.from('y'.repeat(200)), Buffer.from('"}')]) })
  t.equal(res.statusCode, 413)
  await res.body.dump()

  const small = await post(client, '/text/ner', JSON.stringify({ text: 'Ada went to Paris.' }))
  t.equal(small.status, 200, 'a body under the limit still passes')
})

t.test('with an apikey configured, answers 401 unless the apikey header matches', async (t) => {
  const { client } = await build(t, { apiKey: 'secret-key' })
  const body = JSON.stringify({ text: TEXT })
  const none = await post(client, '/text/ner', body)
  t.equal(none.status, 401)
  t.same(none.json(), { error: 'missing or invalid apikey' })
  t.equal((await post(client, '/text/ner', body, { apikey: 'secret-kez' })).status, 401)
  t.equal((await post(client, '/text/ner', body, { apikey: 'secret-key' })).status, 200)
})

t.test('without an apikey configured, any or no apikey is accepted', async (t) => {
  const { client } = await build(t)
  t.equal((await post(client, '/text/ner', JSON.stringify({ text: TEXT }), { apikey: 'anything' })).status, 200)
})

t.test('answers GET <any prefix>/_stats with the pool and its backlog', async (t) => {
  const { client } = await build(t)
  await post(client, '/text/ner', JSON.stringify({ text: TEXT }))
  const res = await client.request({ method: 'GET', path: '/any/prefix/_stats' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/u)
  const stats = await res.body.json() as Record<string, unknown>
  t.match(stats, {
    workers: Number,
    busy: 0,
    queued: 0,
    backlogChars: 0,
    completed: Number,
    cancelled: Number,
    failed: 0,
    terminated: Number,
    shared: Number,
    late: Number,
    refused: Number,
    lanes: { small: { workers: Number, running: 0, queued: 0, maxChars: Number }, large: { workers: Number, running: 0, queued: 0 } }
  })
  t.ok((stats.completed as number) >= 1, 'the analysis above is counted')
  // null until the first large-text thread has timed its warm-up
  for (const key of ['msPerChar', 'warmUpMsPerChar']) t.ok(stats[key] === null || typeof stats[key] === 'number', `${key}: ${String(stats[key])}`)
  const post405 = await client.request({ method: 'POST', path: '/text/_stats', body: '{}' })
  t.equal(post405.statusCode, 405)
  t.equal(post405.headers.allow, 'GET')
  await post405.body.dump()
})

t.test('with an apikey configured, /_stats answers 401 unless the apikey header matches', async (t) => {
  const { client } = await build(t, { apiKey: 'secret-key' })
  const none = await client.request({ method: 'GET', path: '/text/_stats' })
  t.equal(none.statusCode, 401)
  t.same(await none.body.json(), { error: 'missing or invalid apikey' })
  const wrong = await client.request({ method: 'GET', path: '/text/_stats', headers: { apikey: 'secret-kez' } })
  t.equal(wrong.statusCode, 401)
  await wrong.body.dump()
  const right = await client.request({ method: 'GET', path: '/text/_stats', headers: { apikey: 'secret-key' } })
  t.equal(right.statusCode, 200)
  t.match(await right.body.json(), { workers: Number })
})

t.test('keeps the connection alive across requests, refusals included', async (t) => {
  const { client, connections } = await build(t)
  const first = await post(client, '/text/summarize', JSON.stringify({ text: TEXT }))
  t.equal(first.headers.connection, 'keep-alive')
  t.equal((await post(client, '/text/nope', '{"text": "unread body"}')).status, 404)
  t.equal((await post(client, '/text/ner', '   ')).status, 400)
  t.equal((await post(client, '/text/ner', JSON.stringify({ text: TEXT }))).status, 200)
  t.equal(connections(), 1, 'four requests, one connection')
})

t.test('checks its options when created and names the wrong one', async (t) => {
  const engine = engineWith()
  // maxPhrases and workers are the engine's now, checked before any thread starts
  t.throws(() => TextEngine.start({ maxPhrases: 0 }), { name: 'EngineOptionError', option: 'maxPhrases', code: 'TEXT_ENGINE_INVALID_OPTION' })
  t.throws(() => TextEngine.start({ workers: 0 }), { name: 'EngineOptionError', option: 'workers' })
  t.throws(() => createEngineServer({ engine, bodyLimit: -1 }), EngineOptionError)
  t.throws(() => createEngineServer({ engine, apiKey: ' ' }), { name: 'EngineOptionError', option: 'apiKey' })
  t.throws(() => createEngineServer({} as EngineServerOptions), { name: 'EngineOptionError', option: 'engine' })
})
