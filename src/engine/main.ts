// The engine as a process: standalone (`node dist/engine/main.js`) or forked by the embedded supervisor.
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import { loadEngineConfig } from './config.js'
import type { EngineConfig } from './config.js'
import { EngineMessageType } from './ipc.js'
import type { ListeningMessage } from './ipc.js'
import { origin } from './options.js'
import { createEngineServer } from './server.js'
import { TextEngine } from './text-engine.js'

// In-flight analyses get this long after SIGTERM before their connections are cut.
const SHUTDOWN_GRACE_MS = 3_000
const SWEEP_MS = 50

// Synchronous writes: the engine logs a few lines a lifetime, and none may be lost to process.exit().
const log = pino({ name: 'text-engine' }, pino.destination({ fd: 1, sync: true }))

let config: EngineConfig
try {
  config = loadEngineConfig(process.env)
} catch (err) {
  log.fatal({ err }, 'text engine configuration is invalid')
  process.exit(1)
}
log.level = config.logLevel

const started = performance.now()
// The pool is this file's: created before the server, destroyed after it. It accepts work at once;
// its threads load the models meanwhile.
const engine = TextEngine.start({ workers: config.workers, largeNice: config.largeNice, maxPhrases: config.maxPhrases, log })
engine.ready.catch((err: unknown) => {
  log.fatal({ err }, 'text engine could not start its workers')
  process.exit(1)
})
const server = createEngineServer({ engine, apiKey: config.apiKey, bodyLimit: config.bodyLimit, log })
server.listen(config.port, config.host)
try {
  await once(server, 'listening')
} catch (err) {
  // EADDRINUSE and the like; a supervisor sees the exit code and reads this line
  log.fatal({ err, host: config.host, port: config.port }, 'text engine could not listen')
  await engine.close()
  process.exit(1)
}
const { port } = server.address() as AddressInfo
log.info({
  url: `${origin(config.host, port)}/text`,
  apiKey: config.apiKey !== undefined,
  threads: engine.threads,
  startupMs: Math.round(performance.now() - started)
}, 'text engine listening')

let stopping = false
function stop (reason: string): void {
  if (stopping) return
  stopping = true
  log.info({ reason }, 'text engine stopping')
  // close() ends the keep-alive connections idle at that moment; the others idle once answered
  // are swept every SWEEP_MS (without it, an answered connection held the exit to the grace
  // period: 3.1 s for an analysis answered in 0.36 s). A connection cut after the grace period
  // cancels its analysis, so the pool is idle by then.
  const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS).unref()
  server.close(() => {
    clearInterval(sweep)
    void engine.close().finally(() => {
      log.info({}, 'text engine stopped')
      process.exit(0)
    })
  })
  setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref()
}
process.once('SIGTERM', () => stop('SIGTERM'))
process.once('SIGINT', () => stop('SIGINT'))

// Forked with an IPC channel: report the port, and stop when the supervisor goes away so no engine
// outlives the service that started it.
if (process.send !== undefined) {
  const message: ListeningMessage = { type: EngineMessageType.LISTENING, port }
  process.send(message)
  process.once('disconnect', () => stop('supervisor disconnected'))
}
