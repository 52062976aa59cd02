// Starts the built service (dist/server.js) as a real process and waits until it answers /healthz.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'

export const SERVER = fileURLToPath(new URL('../../dist/server.js', import.meta.url))
export const built = existsSync(SERVER)

export interface ServerProcess {
  child: ChildProcess
  url: string
  stdout: () => string
  stderr: () => string
  exited: Promise<number | null>
}

/** Runs the server with exactly `env` (plus PATH); resolves once it is ready, or rejects with its stderr. */
export async function spawnServer (env: Record<string, string>, port: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout!.on('data', (d) => { out += d })
  child.stderr!.on('data', (d) => { err += d })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${err}`)
    try {
      const res = await request(`${url}/healthz`)
      await res.body.dump()
      if (res.statusCode === 200) break
    } catch {}
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`server did not become ready: ${err}`) }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { child, url, stdout: () => out, stderr: () => err, exited }
}

/** A free-enough port for a child process: the test's pid spreads parallel runs apart. */
export function testPort (offset: number): number {
  return 20_000 + ((process.pid * 7 + offset) % 10_000)
}
