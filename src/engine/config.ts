// The standalone engine's configuration, read once from the environment and checked.
import { EngineOptionError } from './errors.js'
import { checkApiKey, checkBodyLimit, checkHost, checkLargeNice, checkMaxPhrases, checkPort, checkWorkers } from './options.js'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]

export interface EngineConfig {
  readonly host: string
  readonly port: number
  readonly apiKey: string | undefined
  readonly maxPhrases: number | undefined
  /** bytes */
  readonly bodyLimit: number
  readonly logLevel: LogLevel
  /** threads for large texts (one more is kept for small ones); undefined: one per core */
  readonly workers: number | undefined
  /** added to the large-text threads' nice value (Linux) */
  readonly largeNice: number
}

export const DEFAULT_PORT = 8080

/**
 * PORT (default 8080), HOST (default 127.0.0.1), TEXT_API_KEY (when set, required of clients),
 * MAX_PHRASES, BODY_LIMIT (bytes, default 1 MiB), LOG_LEVEL (default info), WORKERS (threads that
 * analyse large texts at once, default one per core; one more thread is kept for small texts),
 * LARGE_NICE (added to those threads' nice value on Linux, 0 to 19, default 10).
 * An empty variable counts as unset.
 */
export function loadEngineConfig (env: NodeJS.ProcessEnv): EngineConfig {
  const get = (name: string): string | undefined => {
    const value = env[name]
    return value === undefined || value === '' ? undefined : value
  }
  const logLevel = get('LOG_LEVEL') ?? 'info'
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new EngineOptionError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got ${logLevel}`)
  }
  return {
    host: checkHost(get('HOST'), 'HOST'),
    port: checkPort(integer(get('PORT')) ?? DEFAULT_PORT, 'PORT'),
    apiKey: checkApiKey(get('TEXT_API_KEY'), 'TEXT_API_KEY'),
    maxPhrases: checkMaxPhrases(integer(get('MAX_PHRASES')), 'MAX_PHRASES'),
    bodyLimit: checkBodyLimit(integer(get('BODY_LIMIT')), 'BODY_LIMIT'),
    logLevel: logLevel as LogLevel,
    workers: checkWorkers(integer(get('WORKERS')), 'WORKERS'),
    largeNice: checkLargeNice(integer(get('LARGE_NICE')), 'LARGE_NICE')
  }
}

/** A decimal integer as a number; anything else as NaN, which the checks reject by name. */
function integer (value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  return /^\d+$/u.test(value.trim()) ? Number(value) : Number.NaN
}
