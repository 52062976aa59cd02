// The HTTP edge over raw sockets: what Node's parser refuses, slow and idle clients, charsets and encodings.
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import t from 'tap'
import type { Test } from 'tap'
import { request } from 'undici'
import { errorCodes } from '../src/errors.js'
import { build } from './helpers/build.js'
import type { Built } from './helpers/build.js'

interface Exchange { head: string, status: number, headers: Record<string, string>, body: any, closed: boolean, ms: number }

function port (built: Built): number {
  return Number(new URL(built.url).port)
}

/** Opens a socket and resolves once it is connected. */
function open (built: Built): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port(built), '127.0.0.1', () => resolve(socket))
    socket.once('error', reject)
  })
}

/** What the server wrote on `socket` until it closed it, or `waitMs` passed. */
function answer (socket: Socket, waitMs = 10_000): Promise<Exchange> {
  const started = performance.now()
  return new Promise((resolve) => {
    let out = ''
    let closed = false
    const done = (): void => {
      clearTimeout(timer)
      const [head = '', ...rest] = out.split('\r\n\r\n')
      const [statusLine = '', ...lines] = head.split('\r\n')
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]))
      let body: unknown = rest.join('\r\n\r\n')
      try { body = JSON.parse(body as string) } catch {}
      resolve({ head, status: Number(statusLine.split(' ')[1]), headers, body, closed, ms: performance.now() - started })
    }
    const timer = setTimeout(() => { socket.destroy(); done() }, waitMs)
    socket.on('data', (d) => { out += d })
    socket.on('error', () => {})
    socket.once('close', () => { closed = true; done() })
  })
}

async function exchange (built: Built, bytes: string): Promise<Exchange> {
  const socket = await open(built)
  const answered = answer(socket)
  socket.write(bytes)
  return answered
}

/** A problem document with `code`, its table's status, and a page at its type; the connection closed. */
async function assertProblem (t: Test, built: Built, res: Exchange, code: keyof typeof errorCodes, detail: RegExp): Promise<void> {
  t.equal(res.status, errorCodes[code].status, `${code}: status`)
  t.match(res.headers['content-type'], /^application\/problem\+json/, `${code}: a problem document`)
  t.match(res.body, { code, status: res.status, detail, type: `/problems/${code.toLowerCase().replaceAll('_', '-')}` })
  t.equal(res.headers['x-request-id'], res.body.requestId)
  t.ok(res.closed, `${code}: the connection is closed`)
  const page = await request(`${built.url}${res.body.type}`, { dispatcher: built.client })
  t.match(await page.body.json(), { code, status: res.status })
}

t.test('what Node\'s HTTP parser refuses answers a problem document with a code from the table, then closes', async (t) => {
  const built = await build(t)
  const cases: [string, string, keyof typeof errorCodes, RegExp][] = [
    ['oversized headers', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 'HEADERS_TOO_LARGE', /headers exceed \d+ bytes/],
    ['obs-fold', 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n folded\r\n\r\n', 'MALFORMED_REQUEST', /HPE_/],
    ['Content-Length with Transfer-Encoding', 'POST /analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n', 'MALFORMED_REQUEST', /Transfer-Encoding can't be present with Content-Length/],
    ['duplicate Content-Length', 'POST /analyze HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!', 'MALFORMED_REQUEST', /Duplicate Content-Length/],
    ['bad chunked framing', 'POST /analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 'MALFORMED_REQUEST', /chunk size/],
    ['an unknown method', 'BREW /analyze HTTP/1.1\r\nHost: x\r\n\r\n', 'MALFORMED_REQUEST', /HPE_INVALID_METHOD/],
    ['a bad request line', 'GET /healthz HTTP/9.7\r\nHost: x\r\n\r\n', 'MALFORMED_REQUEST', /HPE_/],
  ]
  for (const [name, bytes, code, detail] of cases) {
    t.comment(name)
    await assertProblem(t, built, await exchange(built, bytes), code, detail)
  }
  t.equal(built.upstream.calls.length, 0, 'nothing reached the upstream (no smuggled request either)')
  t.notMatch(built.logs.join(''), /X-Big|aaaaaaaa/, 'the client\'s bytes are not logged')
  t.match(built.logs.join(''), /"code":"MALFORMED_REQUEST"/, 'each refusal is logged with its code')
})

t.test('an HTTP/0.9 request line is answered and closed at once', async (t) => {
  const built = await build(t)
  const res = await exchange(built, 'GET /\r\n\r\n')
  t.ok(res.closed, 'closed')
  t.ok(res.ms < 5000, `promptly (${Math.round(res.ms)} ms; it used to hold the socket for 15 s and more)`)
  t.ok(res.status >= 400 && res.status < 500, `with a client error (${res.status})`)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
})

t.test('an HTTP/1.1 request without Host, and a CONNECT, are refused with a problem document, not a bare 400 or silence', async (t) => {
  const built = await build(t)
  const hostless = await exchange(built, 'GET /health/live HTTP/1.1\r\nConnection: close\r\n\r\n')
  await assertProblem(t, built, hostless, 'MALFORMED_REQUEST', /must carry a Host header/)
  const connect = await exchange(built, `CONNECT 127.0.0.1:${port(built)} HTTP/1.1\r\nHost: 127.0.0.1:${port(built)}\r\n\r\n`)
  await assertProblem(t, built, connect, 'MALFORMED_REQUEST', /CONNECT is not served/)
  const old = await exchange(built, 'GET /health/live HTTP/1.0\r\n\r\n')
  t.equal(old.status, 200, 'HTTP/1.0 needs no Host')
})

t.test('a body that trickles in past BODY_TIMEOUT_MS is cut off with 408 and a close; headers past HEADERS_TIMEOUT_MS too', async (t) => {
  const built = await build(t, { HEADERS_TIMEOUT_MS: 300, BODY_TIMEOUT_MS: 600 })
  const body = JSON.stringify({ text: 'Ada Lovelace worked with Charles Babbage.' })
  const socket = await open(built)
  const answered = answer(socket)
  socket.write(`POST /analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`)
  let sent = 0
  const trickle = setInterval(() => { if (!socket.destroyed && sent < body.length) socket.write(body[sent++]!) }, 100)
  const res = await answered
  clearInterval(trickle)
  t.ok(sent < body.length, `cut off before the body was complete (${sent} of ${body.length} bytes)`)
  await assertProblem(t, built, res, 'REQUEST_TIMEOUT', /BODY_TIMEOUT_MS \(600 ms\)/)
  t.equal(built.upstream.calls.length, 0)
  // Logged and counted once, as what it was: a 408 under the request's own id, not a client that left.
  const lines = async (): Promise<any[]> => built.logs.map((l) => JSON.parse(l)).filter((l) => l.requestId === res.headers['x-request-id'])
  while ((await lines()).length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
  t.match(await lines(), [{ statusCode: 408, code: 'REQUEST_TIMEOUT', msg: 'client error' }])
  t.notOk(built.logs.some((l) => l.includes('CLIENT_CLOSED')), 'no CLIENT_CLOSED line')
  const metrics = await (await request(`${built.url}/metrics`, { dispatcher: built.client })).body.text()
  t.match(metrics, /text_bff_http_requests_total\{[^}]*route="\/analyze"[^}]*status="408"[^}]*\} 1/)
  t.notMatch(metrics, /status="499"/)

  const slow = await open(built)
  const slowAnswer = answer(slow)
  slow.write('GET /healthz HTTP/1.1\r\nHost: x\r\n')
  const headerTrickle = setInterval(() => { if (!slow.destroyed) slow.write('X-A: b\r\n') }, 100)
  const late = await slowAnswer
  clearInterval(headerTrickle)
  await assertProblem(t, built, late, 'REQUEST_TIMEOUT', /HEADERS_TIMEOUT_MS \(300 ms\)/)

  // A request sent at once is unaffected.
  const ok = await built.analyze({ text: 'Ada Lovelace worked with Charles Babbage.' })
  t.equal(ok.status, 200)
})

t.test('connections beyond MAX_CONNECTIONS are closed as they arrive, while those open keep working', async (t) => {
  const built = await build(t, { MAX_CONNECTIONS: 3 })
  const idle = await Promise.all([open(built), open(built), open(built)])
  t.teardown(() => { for (const s of idle) s.destroy() })
  // Wait until the server has accepted all three.
  while (await new Promise<number>((resolve) => built.app.server.getConnections((_e, n) => resolve(n))) < 3) await new Promise((resolve) => setTimeout(resolve, 10))
  const extra = await open(built)
  const refused = await answer(extra, 5000)
  t.ok(refused.closed, 'the fourth connection is closed')
  t.equal(refused.head, '', 'without an answer')
  for (const socket of idle) {
    const answered = answer(socket)
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    t.equal((await answered).status, 200, 'an open connection is served')
  }
  // Once they are gone there is room again.
  const again = await request(`${built.url}/healthz`, { dispatcher: built.client })
  t.equal(again.statusCode, 200)
  await again.body.dump()
})

t.test('a body in another charset than UTF-8, or with any Content-Encoding, is a 415 naming it', async (t) => {
  const built = await build(t)
  const body = '{"text":"Ada Lovelace worked with Charles Babbage."}'
  const cases: [Record<string, string>, RegExp][] = [
    [{ 'content-type': 'application/json; charset=latin1' }, /charset "latin1"/],
    [{ 'content-type': 'application/json; charset="ISO-8859-1"' }, /charset "ISO-8859-1"/],
    [{ 'content-type': 'application/json;charset=UTF-16' }, /charset "UTF-16"/],
    [{ 'content-type': 'application/json', 'content-encoding': 'gzip' }, /content-encoding "gzip"/],
    [{ 'content-type': 'application/json', 'content-encoding': 'br' }, /content-encoding "br"/],
  ]
  for (const [headers, detail] of cases) {
    const res = await built.analyze(body, headers)
    t.equal(res.status, 415, JSON.stringify(headers))
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.match(res.body, { code: 'UNSUPPORTED_MEDIA_TYPE', detail })
  }
  const batch = await request(`${built.url}/analyze/batch`, { method: 'POST', dispatcher: built.client, headers: { 'content-type': 'application/json; charset=windows-1252' }, body: JSON.stringify({ items: [{ text: 'a' }] }) })
  t.equal(batch.statusCode, 415)
  t.match(await batch.body.json(), { code: 'UNSUPPORTED_MEDIA_TYPE', detail: /windows-1252/ })
  t.equal(built.upstream.calls.length, 0)
  for (const charset of ['utf-8', 'UTF-8', 'utf8']) {
    const res = await built.analyze(body, { 'content-type': `application/json; charset=${charset}` })
    t.equal(res.status, 200, `charset=${charset} is UTF-8`)
  }
  t.equal((await built.analyze(body, { 'content-encoding': 'identity' })).status, 200, 'identity is no encoding')
  // Only a route that reads a body judges its encoding: liveness never fails, an unknown path is a 404.
  const live = await request(`${built.url}/health/live`, { method: 'GET', dispatcher: built.client, headers: { 'content-encoding': 'gzip' }, body: 'hello' })
  await live.body.dump()
  t.equal(live.statusCode, 200, 'GET /health/live with an encoded body')
  const nowhere = await request(`${built.url}/nope`, { method: 'POST', dispatcher: built.client, headers: { 'content-type': 'application/json', 'content-encoding': 'br' }, body })
  t.equal(nowhere.statusCode, 404, 'POST /nope with an encoded body')
  t.match(await nowhere.body.json(), { code: 'NOT_FOUND' })
})

t.test('the body limit admits every text the text limit admits, however it is escaped (12 bytes a character)', async (t) => {
  const built = await build(t, { MAX_TEXT_CHARS: 50_000, MAX_BATCH_CHARS: 4000 })
  // JSON.stringify leaves emoji raw: write them as surrogate-pair escapes, the longest way to send a character.
  const escaped = (n: number): string => '\\uD83D\\uDE00'.repeat(n)
  const atLimit = await built.analyze(`{"text":"${escaped(50_000)}","parts":["summary","entities","mostCommonPhrases"]}`)
  t.equal(atLimit.status, 200, '50 000 escaped emoji: 600 000 bytes of body, within the limit')
  t.equal([...JSON.parse(built.upstream.calls[0]!.body).text].length, 50_000, 'the whole text went upstream')
  const over = await built.analyze(`{"text":"${escaped(50_001)}"}`)
  t.equal(over.status, 400, 'one more character is the text limit\'s refusal, not the body limit\'s')
  t.match(over.body, { code: 'VALIDATION_FAILED', detail: /text must be at most 50000 characters/ })

  const batch = (items: number[]): Promise<number> => request(`${built.url}/analyze/batch`, {
    method: 'POST',
    dispatcher: built.client,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: `{"items":[${items.map((n, i) => `{"id":${i},"text":"${escaped(n)}","parts":["summary"]}`).join(',')}]}`,
  }).then(async (res) => { await res.body.dump(); return res.statusCode })
  t.equal(await batch([2000, 2000]), 200, 'a batch of MAX_BATCH_CHARS escaped emoji fits its body limit')
  t.equal(await batch([2000, 2001]), 413, 'one more is BATCH_TOO_LARGE')
})

t.test('a request that arrives while the server closes gets the SHUTTING_DOWN problem document, not Fastify\'s fixed body', async (t) => {
  const built = await build(t, { SHUTDOWN_GRACE_MS: 5000 })
  built.upstream.script('*', { kind: 'ok', delayMs: 400 })
  const socket = await open(built)
  t.teardown(() => socket.destroy())
  const chunks: Buffer[] = []
  socket.on('data', (c: Buffer) => chunks.push(c))
  const ended = new Promise((resolve) => socket.once('close', resolve))
  const body = JSON.stringify({ text: 'Closing time.' })
  socket.write(`POST /analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
  while (built.upstream.calls.length < 3) await new Promise((resolve) => setTimeout(resolve, 5))
  const closed = built.app.close()
  await new Promise((resolve) => setTimeout(resolve, 50))
  // Pipelined on the same connection, after close() began.
  socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n')
  await ended
  await closed
  const text = Buffer.concat(chunks).toString()
  const heads = text.match(/HTTP\/1\.1 \d{3} [^\r]*/g)
  t.same(heads, ['HTTP/1.1 200 OK', 'HTTP/1.1 503 Service Unavailable'], 'the request in flight is answered, the late one refused')
  const late = text.slice(text.lastIndexOf('HTTP/1.1 503'))
  t.match(late, /content-type: application\/problem\+json/i)
  t.match(late, /connection: close/i)
  t.match(late, /x-content-type-options: nosniff/i, 'with the security headers of any answer')
  t.match(late, /"code":"SHUTTING_DOWN"/)
  t.match(late, /"type":"[^"]*\/problems\/shutting-down"/)
})
