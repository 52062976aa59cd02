// Supervises the engine as a child process on loopback: the service's upstream when TEXT_API_URL is unset.
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { request } from 'undici'
import type { EngineStats } from './engine-stats.js'
import { STATS_SEGMENT } from './endpoints.js'
import { EngineOptionError, EngineUnavailableError } from './errors.js'
import type { EngineLogger } from './logger.js'
import { checkApiKey, checkBodyLimit, checkHost, checkLargeNice, checkMaxPhrases, checkWorkers, origin } from './options.js'
import { spawnEngine } from './spawn-engine.js'

export type { EngineStats } from './engine-stats.js'
export type { EngineLogger } from './logger.js'

export interface EmbeddedEngine {
  /** base URL, e.g. http://127.0.0.1:41234/text; the same across restarts */
  readonly url: string
  /** times the engine was started again after dying */
  readonly restarts: number
  /** the running engine's process id, undefined while it is down */
  readonly pid: number | undefined
  /** the engine's pool and backlog; rejects with EngineUnavailableError while it is down or silent */
  stats(): Promise<EngineStats>
  close(): Promise<void>
}

export interface EmbeddedEngineOptions {
  log: EngineLogger
  apiKey?: string
  maxPhrases?: number
  /** threads that analyse large texts at once (one more is kept for small ones); default one per core */
  workers?: number
  /** added to the large-text threads' nice value on Linux (see TextEngineOptions); default 10 */
  largeNice?: number
  /** the largest request body in bytes; default 1 MiB (the service sets it from MAX_TEXT_CHARS) */
  bodyLimit?: number
  /** default 127.0.0.1 */
  host?: string
}

/*
 * Why a child process rather than a worker thread: the analyses are synchronous CPU work in
 * third-party code. In a process they cannot block the service's event loop, cannot take it down
 * with them (an abort, an out-of-memory, a hang is killed with a signal), keep their models out of
 * the service's heap, and are reached over real HTTP, so the service's upstream path (Agent,
 * timeouts, the 502 for a reset connection) is the one it uses for the hosted API.
 */

// Each worker thread loads the models before the engine listens: ~1 s of a core per thread from
// dist, 3–4 s under tap's TypeScript loader, so a start on a loaded 2-core machine under tap can
// take 20–30 s.
const START_TIMEOUT_MS = 60_000
// SIGTERM lets an analysis in flight finish; past this the engine is killed.
const CLOSE_GRACE_MS = 5_000
// Restart backoff doubles from BASE to MAX; an engine that ran STABLE long resets it.
const RESTART_BASE_MS = 100
const RESTART_MAX_MS = 5_000
const STABLE_MS = 10_000
// The stats are counters in the engine's main thread, which never analyses: an answer is immediate.
const STATS_TIMEOUT_MS = 2_000

export async function startEmbeddedEngine (opts: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
  const log = opts.log
  if (typeof log?.info !== 'function' || typeof log.warn !== 'function' || typeof log.error !== 'function') {
    throw new EngineOptionError('log', 'must have info, warn and error methods')
  }
  const host = checkHost(opts.host)
  const apiKey = checkApiKey(opts.apiKey)
  const maxPhrases = checkMaxPhrases(opts.maxPhrases)
  const workers = checkWorkers(opts.workers)
  const largeNice = checkLargeNice(opts.largeNice)
  const bodyLimit = opts.bodyLimit === undefined ? undefined : checkBodyLimit(opts.bodyLimit)
  const spawnAt = (port: number) => spawnEngine({ host, port, apiKey, maxPhrases, workers, largeNice, bodyLimit, log, startTimeoutMs: START_TIMEOUT_MS })

  const first = await spawnAt(0)
  const port = first.port
  const url = `${origin(host, port)}/text`

  let child: ChildProcess | undefined
  let startedAt = 0
  let restarts = 0
  let failures = 0
  let closed = false
  let restartTimer: NodeJS.Timeout | undefined
  let restarting: Promise<void> | undefined

  const adopt = (next: ChildProcess): void => {
    child = next
    startedAt = Date.now()
    next.once('exit', (code, signal) => {
      child = undefined
      if (closed) return
      if (Date.now() - startedAt >= STABLE_MS) failures = 0
      log.error({ enginePid: next.pid, code, signal, url }, 'text engine exited unexpectedly; restarting')
      scheduleRestart()
    })
  }

  const scheduleRestart = (): void => {
    const delay = Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** failures)
    failures++
    restartTimer = setTimeout(() => {
      restartTimer = undefined
      restarting = restart().finally(() => { restarting = undefined })
    }, delay)
  }

  // Same port, so `url` and the service's connection pool stay valid.
  const restart = async (): Promise<void> => {
    try {
      const next = await spawnAt(port)
      if (closed) {
        await stop(next.child)
        return
      }
      restarts++
      adopt(next.child)
      log.info({ enginePid: next.child.pid, url, restarts }, 'text engine restarted')
    } catch (err) {
      if (closed) return
      log.error({ err, url }, 'text engine restart failed; retrying')
      scheduleRestart()
    }
  }

  adopt(first.child)
  log.info({ enginePid: first.child.pid, url }, 'text engine started')

  return {
    url,
    get restarts () { return restarts },
    get pid () { return child?.pid },
    async stats () {
      if (closed || child === undefined) throw new EngineUnavailableError(closed ? 'closed' : 'restarting')
      return await fetchStats(`${url}/${STATS_SEGMENT}`, apiKey)
    },
    async close () {
      if (closed) return
      closed = true
      clearTimeout(restartTimer)
      await restarting
      if (child !== undefined) await stop(child)
      log.info({ url }, 'text engine closed')
    }
  }
}

/** SIGTERM, then SIGKILL after the grace period; resolves once the process has exited. */
async function stop (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  // 'close' rather than 'exit': it also waits for the stdio pipes, so nothing is left open
  const exited = once(child, 'close')
  child.kill('SIGTERM')
  const kill = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS)
  try {
    await exited
  } finally {
    clearTimeout(kill)
  }
}

/** One GET on its own connection, closed after the answer, so no socket outlives the call. */
async function fetchStats (url: string, apiKey: string | undefined): Promise<EngineStats> {
  let res
  try {
    res = await request(url, {
      headers: { connection: 'close', ...(apiKey === undefined ? {} : { apikey: apiKey }) },
      signal: AbortSignal.timeout(STATS_TIMEOUT_MS)
    })
  } catch (err) {
    throw new EngineUnavailableError(`no stats from ${url}`, { cause: err })
  }
  if (res.statusCode !== 200) {
    await res.body.dump()
    throw new EngineUnavailableError(`stats answered ${res.statusCode}`)
  }
  return await res.body.json() as EngineStats
}
