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
  /** SIGTERM, so it writes its coverage as it exits; SIGKILL if it has not exited within 10 s. Safe to call on a dead one. */
  stop: () => Promise<void>
  url: string
  stdout: () => string
  stderr: () => string
  exited: Promise<number | null>
}

/**
 * tap's coverage follows child processes through NODE_OPTIONS and its _TAPJS_PROCESSINFO_ variables; a
 * server started with only its own environment would leave the code it runs (the shared limiter, the
 * rate window) out of the report. Nothing else of the test's environment reaches the server.
 */
function coverageEnv (): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] =>
    (e[0] === 'NODE_OPTIONS' || e[0].startsWith('_TAPJS_PROCESSINFO_')) && e[1] !== undefined))
}

/** Runs the server with exactly `env` (plus PATH); resolves once it is ready, or rejects with its stderr. */
export async function spawnServer (env: Record<string, string>, port: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...coverageEnv(), PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
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
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(kill)
  }
  return { child, stop, url, stdout: () => out, stderr: () => err, exited }
}

/** A free-enough port for a child process: the test's pid spreads parallel runs apart. */
export function testPort (offset: number): number {
  return 20_000 + ((process.pid * 7 + offset) % 10_000)
}
