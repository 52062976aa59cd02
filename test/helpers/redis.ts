// A real redis-server on a free loopback port, started by the test and stopped at teardown; it can be killed, restarted and paused.
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer, connect } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface RedisServer {
  readonly url: string
  readonly port: number
  /** SIGKILL, as a crash would. */
  kill (): Promise<void>
  /** Starts again on the same port (empty: no persistence). */
  start (): Promise<void>
  /** SIGSTOP: the connections stay open and nothing is answered, as with a server stalled on a hung disk or a VM paused. */
  pause (): void
  /** SIGCONT: it answers again, commands sent meanwhile first. Teardown does it too. */
  resume (): void
  /** Runs a command with redis-cli and returns its output. */
  cli (...args: string[]): string
}

/** Whether redis-server is installed (CI installs it; elsewhere the Redis tests say they are skipped). */
export const hasRedis = spawnSync('redis-server', ['--version']).status === 0

async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function answersPing (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('error', () => resolve(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (d) => { socket.destroy(); resolve(d.toString().startsWith('+PONG')) })
  })
}

export async function startRedis (t: { teardown (fn: () => unknown): void }): Promise<RedisServer> {
  const port = await freePort()
  let child: ChildProcess | undefined
  let paused = false
  const start = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: 'ignore' })
    const deadline = Date.now() + 10_000
    while (!(await answersPing(port))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on ${port}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  const resume = (): void => {
    if (!paused) return
    paused = false
    child?.kill('SIGCONT')
  }
  const kill = async (): Promise<void> => {
    resume()
    const c = child
    child = undefined
    if (c === undefined || c.exitCode !== null) return
    const exited = once(c, 'exit')
    c.kill('SIGKILL')
    await exited
  }
  await start()
  t.teardown(kill)
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    pause () {
      if (child === undefined || paused) return
      paused = true
      child.kill('SIGSTOP')
    },
    resume,
    cli: (...args) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout,
  }
}
