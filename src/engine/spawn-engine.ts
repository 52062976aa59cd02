// Forks one engine process and waits for its handshake: the port it listens on.
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { EngineStartError } from './errors.js'
import { forwardLogs } from './forward-logs.js'
import { isListeningMessage } from './ipc.js'
import type { EngineLogger } from './logger.js'

export interface SpawnOptions {
  readonly host: string
  /** 0 for any free port */
  readonly port: number
  readonly apiKey: string | undefined
  readonly maxPhrases: number | undefined
  readonly workers: number | undefined
  readonly largeNice: number | undefined
  /** bytes; undefined: the engine's default */
  readonly bodyLimit: number | undefined
  readonly log: EngineLogger
  /** ms to wait for the handshake */
  readonly startTimeoutMs: number
}

export interface SpawnedEngine {
  readonly child: ChildProcess
  readonly port: number
}

// The sibling entry with this file's own extension: main.js next to the compiled dist/engine/*.js,
// main.ts next to the sources under tap, whose TypeScript loader the child inherits via execArgv.
const ENTRY = fileURLToPath(new URL(`./main${extname(fileURLToPath(import.meta.url))}`, import.meta.url))

/**
 * Resolves once the engine says it is listening; rejects with EngineStartError if it exits, fails
 * to spawn or stays silent first, in which case no process is left running.
 */
export function spawnEngine (opts: SpawnOptions): Promise<SpawnedEngine> {
  // Configuration travels in the environment, exactly as for the standalone entry; unset keys are
  // removed so the service's own settings (its PORT, its key) never leak into the engine.
  const env: NodeJS.ProcessEnv = { ...process.env, HOST: opts.host, PORT: String(opts.port) }
  setOrDelete(env, 'TEXT_API_KEY', opts.apiKey)
  setOrDelete(env, 'MAX_PHRASES', opts.maxPhrases === undefined ? undefined : String(opts.maxPhrases))
  setOrDelete(env, 'WORKERS', opts.workers === undefined ? undefined : String(opts.workers))
  setOrDelete(env, 'LARGE_NICE', opts.largeNice === undefined ? undefined : String(opts.largeNice))
  setOrDelete(env, 'BODY_LIMIT', opts.bodyLimit === undefined ? undefined : String(opts.bodyLimit))

  const child = fork(ENTRY, [], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' })
  forwardLogs(child, opts.log)

  return new Promise((resolve, reject) => {
    const settle = (): void => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
      child.off('error', onError)
    }
    const fail = (reason: string): void => {
      settle()
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      reject(new EngineStartError(reason))
    }
    const onMessage = (message: unknown): void => {
      if (!isListeningMessage(message)) return
      settle()
      resolve({ child, port: message.port })
    }
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      fail(`process exited before listening (code ${String(code)}, signal ${String(signal)})`)
    }
    const onError = (err: Error): void => fail(err.message)
    const timer = setTimeout(() => fail(`no handshake within ${opts.startTimeoutMs} ms`), opts.startTimeoutMs)
    child.on('message', onMessage)
    child.on('exit', onExit)
    child.on('error', onError)
  })
}

function setOrDelete (env: NodeJS.ProcessEnv, name: string, value: string | undefined): void {
  if (value === undefined) delete env[name]
  else env[name] = value
}
