// The standalone entry: configured by the environment, logs JSON lines, exits 0 on SIGTERM or SIGINT.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { Test } from 'tap'
import { request } from 'undici'

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

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`serves on the configured host and port and exits 0 on ${signal}`, async (t) => {
    const { child, url, lines } = await run(t, { PORT: '0', HOST: '127.0.0.1', TEXT_API_KEY: 'k', MAX_PHRASES: '2' })
    t.match(url, /^http:\/\/127\.0\.0\.1:\d+\/text$/u)
    t.match(lines[0], { level: 30, name: 'text-engine', msg: 'text engine listening' }, 'pino JSON lines')

    const res = await request(`${url}/most_common_phrases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: 'k', connection: 'close' },
      body: JSON.stringify({ text: 'The battery life is great. The battery life is long. The noise cancellation works. The noise cancellation helps.' })
    })
    t.same(await res.body.json(), { 'most common phrases': ['battery life', 'noise cancellation'] })

    const exited = once(child, 'exit')
    child.kill(signal)
    const [code] = await exited
    t.equal(code, 0)
    t.ok(lines.some((l) => l.msg === 'text engine stopped'))
  })
}

t.test('exits 1 with a fatal log line naming a wrong variable', async (t) => {
  const child = spawn(process.execPath, [...process.execArgv, MAIN], { env: { ...process.env, MAX_PHRASES: 'many' }, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  const [code] = await once(child, 'exit')
  t.equal(code, 1)
  t.match(out, /"level":60.*MAX_PHRASES/u)
})
