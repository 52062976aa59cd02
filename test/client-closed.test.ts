// A client that leaves mid-request: one log line with CLIENT_CLOSED and one count of 499, for each such request.
import { connect } from 'node:net'
import t from 'tap'
import { Agent, request } from 'undici'
import { build } from './helpers/build.js'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

t.test('each request whose client disconnects is logged once with CLIENT_CLOSED and counted once as 499', async (t) => {
  const built = await build(t)
  built.upstream.script('*', { kind: 'ok', delayMs: 1500 })
  built.upstream.script('summarize', { kind: 'ok', delayMs: 0 })
  const port = Number(new URL(built.url).port)
  // The last one leaves a stream after its first line: the answer had begun.
  const ids = ['gone-1', 'gone-2', 'gone-3', 'gone-stream', 'gone-stream-begun']
  const sockets = ids.map((id, i) => {
    const body = JSON.stringify({ text: `Ada Lovelace left early, number ${i}.` })
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    socket.write(`POST /analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Request-Id: ${id}\r\n` +
      `${id.includes('stream') ? 'Accept: application/x-ndjson\r\n' : ''}Content-Length: ${body.length}\r\n\r\n${body}`)
    return socket
  })
  let begun = ''
  sockets[4]!.on('data', (d) => { begun += String(d) })
  // Every request is waiting on the slow upstream before its client leaves.
  while (ids.some((id) => !built.upstream.calls.some((c) => c.headers['x-request-id'] === id)) || !begun.includes('"part":"summary"')) await sleep(10)
  for (const socket of sockets) socket.destroy()
  while (built.upstream.inFlight > 0) await sleep(10)
  // Anything a late completion would log has had its chance.
  await sleep(500)

  const lines = built.logs.map((l) => JSON.parse(l) as { level: number, requestId?: string, code?: string, msg: string, statusCode?: number })
  for (const id of ids) {
    // Not a line more at info or above: Fastify's own "stream closed prematurely" for the stream included.
    const mine = lines.filter((l) => l.requestId === id && l.level >= 30)
    t.equal(mine.length, 1, `${id}: exactly one line`) || t.comment(JSON.stringify(mine))
    t.match(mine[0], { code: 'CLIENT_CLOSED', statusCode: 499, msg: 'request closed by the client' })
  }
  const res = await request(`${built.url}/metrics`, { dispatcher: built.client })
  const metrics = await res.body.text()
  t.match(metrics, /^text_bff_http_requests_total\{route="\/analyze",status="499"\} 5$/m, 'one count per request')
  t.match(metrics, /^text_bff_http_request_duration_seconds_count\{route="\/analyze",status="499"\} 5$/m)
  // The calls they left behind ended with the code their parts got, as the spans say too.
  t.match(metrics, /^text_bff_upstream_attempt_duration_seconds_count\{endpoint="ner",outcome="CLIENT_CLOSED"\} 5$/m, 'the abandoned attempts, by their code')

  // A request that completes is not counted as closed when its keep-alive connection later goes.
  // Its keep-alive connection goes away afterwards.
  const once = new Agent()
  const okToo = await request(`${built.url}/healthz`, { dispatcher: once })
  await okToo.body.dump()
  await once.close()
  await sleep(200)
  const after = await (await request(`${built.url}/metrics`)).body.text()
  t.match(after, /^text_bff_http_requests_total\{route="\/analyze",status="499"\} 5$/m)
  t.match(after, /^text_bff_http_requests_total\{route="\/healthz",status="200"\} 1$/m)
  t.notMatch(after, /text_bff_http_requests_total\{route="\/(healthz|metrics)",status="499"\}/, 'nothing else counted as closed')
})
