// Relays the engine process's output to the supervisor's logger, one line at a time.
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import type { EngineLogger } from './logger.js'

// pino's numeric levels: 40 warn, 50 error, 60 fatal
const WARN = 40
const ERROR = 50

/**
 * The engine logs pino JSON lines on stdout; they are re-logged under `engine` at their level, so
 * the service's logger decides what is shown. Anything else (a crash's stack trace on stderr) is
 * logged as text. The line readers end with the child's streams.
 */
export function forwardLogs (child: ChildProcess, log: EngineLogger): void {
  if (child.stdout !== null) relay(child.stdout, (line) => forwardJsonLine(line, log))
  if (child.stderr !== null) relay(child.stderr, (line) => log.warn({ engine: { pid: child.pid, stderr: line } }, 'text engine stderr'))
}

function relay (stream: Readable, onLine: (line: string) => void): void {
  const lines = createInterface({ input: stream, crlfDelay: Infinity })
  lines.on('line', (line) => {
    if (line.trim() !== '') onLine(line)
  })
}

function forwardJsonLine (line: string, log: EngineLogger): void {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch {
    parsed = undefined
  }
  if (typeof parsed !== 'object' || parsed === null) {
    log.info({ engine: { stdout: line } }, 'text engine output')
    return
  }
  // time and hostname repeat the service's own; name is implied by the key
  const { level, msg, time: _time, hostname: _hostname, name: _name, ...fields } = parsed as Record<string, unknown>
  const message = typeof msg === 'string' ? msg : 'text engine log'
  const numeric = typeof level === 'number' ? level : 30
  if (numeric >= ERROR) log.error({ engine: fields }, message)
  else if (numeric >= WARN) log.warn({ engine: fields }, message)
  else log.info({ engine: fields }, message)
}
