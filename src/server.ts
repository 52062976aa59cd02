// The process: logger options, listen, and graceful shutdown on signals. Everything else is in app.ts.
import { mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import closeWithGrace from 'close-with-grace'
import pino from 'pino'
import type { DestinationStream, Logger } from 'pino'
import sonicBoom from 'sonic-boom'
import type { SonicBoom as SonicBoomStream, SonicBoomOpts } from 'sonic-boom'

// sonic-boom is CommonJS (module.exports = the class) while its types declare an ES default export.
const SonicBoom = sonicBoom as unknown as new (opts: SonicBoomOpts) => SonicBoomStream
import { buildApp } from './app.js'
import { ConfigError, loadLogConfig } from './config.js'
import type { LogConfig } from './config.js'

/** Opens LOG_FILE for appending now, so a path that cannot be written stops start-up instead of losing every line. */
function openLogFile (path: string): number {
  try {
    mkdirSync(dirname(path), { recursive: true })
    return openSync(path, 'a')
  } catch (err) {
    throw new ConfigError(`invalid configuration: LOG_FILE ${JSON.stringify(path)} cannot be opened for writing (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
}

function createLogger (config: LogConfig): { logger: Logger, flush (): void } {
  const options = { level: config.LOG_LEVEL }
  if (config.LOG_FILE === '' && process.stdout.isTTY) {
    return { logger: pino({ ...options, transport: { target: 'pino-pretty' } }), flush () {} }
  }
  // Asynchronous writes: lines logged while a write is in flight go out together in the next one, so a
  // busy server writes in large batches and a quiet one still writes each line at once.
  // Buffer mode: in string mode sonic-boom measures its whole pending buffer with Buffer.byteLength on
  // every line (perf showed v8::String::Utf8Length and the string flattening it forces); in buffer mode
  // it keeps the lengths, so a line costs its own size. pino writes strings, hence the adapter.
  const sonic = new SonicBoom({ dest: config.LOG_FILE === '' ? 1 : openLogFile(config.LOG_FILE), sync: false, contentMode: 'buffer' })
  // In buffer mode write() takes Buffers; its types only know strings.
  const destination: DestinationStream = { write: (line: string) => { sonic.write(Buffer.from(line) as unknown as string) } }
  return { logger: pino(options, destination), flush: () => sonic.flushSync() }
}

/** A wrong configuration stops start-up with one line naming the variable. */
function exitOnConfigError (err: unknown): never {
  if (!(err instanceof ConfigError)) throw err
  process.stderr.write(`${err.message}\n`)
  process.exit(1)
}

let log: ReturnType<typeof createLogger>
try {
  log = createLogger(loadLogConfig(process.env))
} catch (err) {
  exitOnConfigError(err)
}

const { logger, flush } = log
const app = await buildApp({ env: process.env, logger }).catch(exitOnConfigError)
const config = app.config

// The way orchestrators need it: first not ready (still serving) for SHUTDOWN_DELAY_MS, so the endpoint
// is taken out of rotation before connections are refused; then stop accepting and finish what is in
// flight within SHUTDOWN_GRACE_MS.
// A second error, or the grace running out, exits at once: the lines buffered so far are written first.
closeWithGrace({
  delay: config.SHUTDOWN_DELAY_MS + config.SHUTDOWN_GRACE_MS,
  logger,
  onSecondError: (err: unknown) => { logger.error({ err }, 'second error, exiting'); flush() },
  onTimeout: (delay: number) => { logger.error({ delay }, 'shutdown took longer than its grace, exiting'); flush() },
}, async ({ signal, err }) => {
  if (err !== undefined) {
    logger.error({ err }, 'shutting down after an uncaught error')
  } else if (config.SHUTDOWN_DELAY_MS > 0) {
    app.readiness.drain()
    await sleep(config.SHUTDOWN_DELAY_MS)
  }
  if (err === undefined) logger.info({ signal }, 'shutting down: finishing in-flight requests')
  await app.close()
  logger.info('closed')
  flush()
})

try {
  await app.listen({ host: config.HOST, port: config.PORT })
} catch (err) {
  logger.fatal({ err }, 'could not listen')
  flush()
  process.exit(1)
}
