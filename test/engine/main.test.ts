// The standalone entry: configured by the environment, logs JSON lines, exits 0 on SIGTERM, SIGINT or its supervisor's disconnect.
import { fork, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { availableParallelism } from 'node:os'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { Test } from 'tap'
import { Agent, request } from 'undici'
import { isListeningMessage } from '../../src/engine/ipc.js'
import { prose } from '../helpers/engine.js'

const MAIN = fileURLToPath(new URL('../../src/engine/main.ts', import.meta.url))

/** Runs main.ts without an IPC channel, as `node dist/engine/main.js` would, and collects its log lines. */
async function run (t: Test, env: Record<string, string>): Promise<{ child: ChildProcess, url: string, lines: Array<Record<string, unknown>> }> {
  // execArgv carries tap's TypeScript loader
  const child = spawn(process.execPath, [...process.execArgv, MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  const lines: Array<Record<string, unknown>> = []
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited with ${String(code)} before listening`)))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>
      lines.push(entry)
      if (entry.msg === 'text engine listening') resolve(String(entry.url))
    })
  })
  return { child, url, lines }
}

t.test('serves on the configured host and port, answers an analysis in flight on SIGTERM, then exits 0', async (t) => {
  const { child, url, lines } = await run(t, { PORT: '0', HOST: '127.0.0.1', TEXT_API_KEY: 'k', MAX_PHRASES: '2' })
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+\/text$/u)
  t.match(lines[0], { level: 30, name: 'text-engine', msg: 'text engine listening' }, 'pino JSON lines')
  t.equal(lines[0]?.threads, availableParallelism() + 1, 'by default, a thread per core for large texts and one for small ones')

  const res = await request(`${url}/most_common_phrases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', apikey: 'k', connection: 'close' },
    body: JSON.stringify({ text: 'The battery life is great. The battery life is long. The noise cancellation works. The noise cancellation helps.' })
  })
  t.same(await res.body.json(), { 'most common phrases': ['battery life', 'noise cancellation'] })

  // keep-alive connections, as the service's Agent holds them
  const agent = new Agent({ keepAliveTimeout: 10_000 })
  t.teardown(() => agent.destroy())
  const answered = { at: 0 }
  const answer = request(`${url}/ner`, {
    dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json', apikey: 'k' }, body: JSON.stringify({ text: prose(3_000) })
  }).then(async (res) => {
    await res.body.dump()
    answered.at = performance.now()
    return res.statusCode
  })
  let inFlight = false
  while (!inFlight && answered.at === 0) {
    const res = await request(`${url}/_stats`, { dispatcher: agent, headers: { apikey: 'k' } })
    inFlight = (await res.body.json() as { busy: number }).busy > 0
  }
  t.ok(inFlight, 'the analysis is in flight when the signal comes')
  const signalled = performance.now()
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  t.equal(await answer, 200, 'the analysis in flight is answered')
  const [code] = await exited
  const exitedAt = performance.now()
  t.equal(code, 0)
  t.ok(lines.some((l) => l.msg === 'text engine stopped'))
  // Not held to the 3 s grace by the answered keep-alive connection (it was, before the engine swept
  // idle connections during shutdown: then it exits when the grace cuts it, 3 s after the signal).
  // Either bound shows the sweep; a loaded machine can stretch one of them but hardly both.
  const afterAnswer = exitedAt - answered.at
  const afterSignal = exitedAt - signalled
  t.ok(afterSignal < 2_800 || afterAnswer < 1_500, `exited ${Math.round(afterAnswer)} ms after the answer, ${Math.round(afterSignal)} ms after SIGTERM (the grace cuts at 3 000)`)
})

t.test('exits 0 on SIGINT', async (t) => {
  const { child, lines } = await run(t, { PORT: '0', HOST: '127.0.0.1', WORKERS: '1' })
  const exited = once(child, 'exit')
  child.kill('SIGINT')
  const [code] = await exited
  t.equal(code, 0)
  t.ok(lines.some((l) => l.msg === 'text engine stopped'))
})

t.test('exits 1 with a fatal log line naming a wrong variable', async (t) => {
  const child = spawn(process.execPath, [...process.execArgv, MAIN], { env: { ...process.env, MAX_PHRASES: 'many' }, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  const [code] = await once(child, 'exit')
  t.equal(code, 1)
  t.match(out, /"level":60.*MAX_PHRASES/u)
})

t.test('stops and exits 0 when the supervisor disconnects', async (t) => {
  const child = fork(MAIN, [], { execArgv: process.execArgv, env: { ...process.env, PORT: '0', WORKERS: '1' }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited with ${String(code)} before listening`)))
    child.on('message', (message) => { if (isListeningMessage(message)) resolve() })
  })
  const exited = once(child, 'exit')
  child.disconnect()
  const [code] = await exited
  t.equal(code, 0)
})
