// The configuration: the process's logging (read before the app exists) and the app's, each validated once.
import envSchema from 'env-schema'

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's validated configuration (@fastify/env). */
    config: Config
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/**
 * Where and how much the process logs. The logger has to exist before the app does (Fastify takes it at
 * construction), so these two are read by server.ts with env-schema, the validator @fastify/env runs.
 */
export const logConfigSchema = {
  type: 'object',
  required: [],
  additionalProperties: true,
  properties: {
    LOG_LEVEL: { type: 'string', default: 'info', enum: LOG_LEVELS },
    LOG_FILE: { type: 'string', default: '' },
  },
} as const

export interface LogConfig {
  LOG_LEVEL: typeof LOG_LEVELS[number]
  /** Empty: logs go to stdout. */
  LOG_FILE: string
}

/** Everything else, validated by @fastify/env when the app registers it. */
export const configSchema = {
  type: 'object',
  required: [],
  additionalProperties: true,
  properties: {
    HOST: { type: 'string', default: '127.0.0.1', minLength: 1 },
    PORT: { type: 'integer', default: 3000, minimum: 0, maximum: 65535 },
    TEXT_API_URL: { type: 'string', default: '', pattern: '^(https?://[^\\s/?#]+(/[^\\s?#]*)?)?$' },
    TEXT_API_KEY: { type: 'string', default: '' },
    MAX_TEXT_CHARS: { type: 'integer', default: 50_000, minimum: 1, maximum: 10_000_000 },
    REQUEST_TIMEOUT_MS: { type: 'integer', default: 10_000, minimum: 10, maximum: 600_000 },
    UPSTREAM_CONCURRENCY: { type: 'integer', default: 0, minimum: 0, maximum: 65_536 },
    UPSTREAM_QUEUE_LIMIT: { type: 'integer', default: 2048, minimum: 0, maximum: 1_000_000 },
    UPSTREAM_CONNECT_TIMEOUT_MS: { type: 'integer', default: 2000, minimum: 1, maximum: 600_000 },
    UPSTREAM_MAX_RESPONSE_BYTES: { type: 'integer', default: 1_048_576, minimum: 1024, maximum: 1_073_741_824 },
    UPSTREAM_MAX_ATTEMPTS: { type: 'integer', default: 3, minimum: 1, maximum: 10 },
    UPSTREAM_RETRY_BASE_MS: { type: 'integer', default: 100, minimum: 1, maximum: 60_000 },
    UPSTREAM_RETRY_BUDGET_RATIO: { type: 'number', default: 0.2, minimum: 0, maximum: 1 },
    BREAKER_FAILURE_RATIO: { type: 'number', default: 0.5, exclusiveMinimum: 0, exclusiveMaximum: 1 },
    BREAKER_MIN_CALLS: { type: 'integer', default: 20, minimum: 1, maximum: 1_000_000 },
    BREAKER_WINDOW_MS: { type: 'integer', default: 10_000, minimum: 1000, maximum: 3_600_000 },
    BREAKER_HALF_OPEN_AFTER_MS: { type: 'integer', default: 5000, minimum: 1, maximum: 3_600_000 },
    MAX_EVENT_LOOP_DELAY_MS: { type: 'integer', default: 1000, minimum: 0, maximum: 600_000 },
    SHUTDOWN_GRACE_MS: { type: 'integer', default: 10_000, minimum: 0, maximum: 600_000 },
    SHUTDOWN_DELAY_MS: { type: 'integer', default: 0, minimum: 0, maximum: 600_000 },
    ENGINE_MAX_PHRASES: { type: 'integer', default: 5, minimum: 1, maximum: 100 },
    ENGINE_WORKERS: { type: 'integer', default: 0, minimum: 0, maximum: 256 },
    ENGINE_LARGE_NICE: { type: 'integer', default: 10, minimum: 0, maximum: 19 },
    METRICS: { type: 'boolean', default: true },
    PLAYGROUND: { type: 'boolean', default: true },
    CORS_ORIGINS: { type: 'string', default: '', pattern: '^\\s*(\\*|(https?://[^\\s,/]+\\s*(,\\s*https?://[^\\s,/]+\\s*)*))?\\s*$' },
    CACHE: { type: 'boolean', default: true },
    CACHE_MAX_BYTES: { type: 'integer', default: 64 * 1024 * 1024, minimum: 65_536, maximum: 64 * 1024 * 1024 * 1024 },
    CACHE_MAX_ENTRY_BYTES: { type: 'integer', default: 1024 * 1024, minimum: 1024, maximum: 1024 * 1024 * 1024 },
    CACHE_TTL_S: { type: 'integer', default: 86_400, minimum: 1, maximum: 31_536_000 },
    CACHE_STALE_IF_ERROR_S: { type: 'integer', default: 86_400, minimum: 0, maximum: 31_536_000 },
    REDIS_URL: { type: 'string', default: '', pattern: '^(rediss?://\\S+)?$' },
    REDIS_COMMAND_TIMEOUT_MS: { type: 'integer', default: 50, minimum: 1, maximum: 10_000 },
    REDIS_PREFIX: { type: 'string', default: 'text-bff', pattern: '^[\\w.-]{1,64}$' },
    UPSTREAM_LEASE_MS: { type: 'integer', default: 15_000, minimum: 100, maximum: 600_000 },
    UPSTREAM_RATE_LIMIT: { type: 'integer', default: 0, minimum: 0, maximum: 1_000_000 },
    UPSTREAM_FALLBACK_CONCURRENCY: { type: 'integer', default: 0, minimum: 0, maximum: 65_536 },
    UPSTREAM_ADAPTIVE: { type: 'boolean', default: true },
    API_KEYS: { type: 'string', default: '' },
    API_KEYS_FILE: { type: 'string', default: '' },
    QUOTA_CHARS_PER_MIN: { type: 'integer', default: 0, minimum: 0, maximum: 1_000_000_000 },
    RATE_LIMIT_PER_MIN: { type: 'integer', default: 0, minimum: 0, maximum: 1_000_000_000 },
    METRICS_KEY: { type: 'string', default: '', pattern: '^([0-9a-fA-F]{64})?$' },
    MAX_BATCH_ITEMS: { type: 'integer', default: 1000, minimum: 1, maximum: 1_000_000 },
    MAX_BATCH_CHARS: { type: 'integer', default: 5_000_000, minimum: 1, maximum: 1_000_000_000 },
    MAX_BATCH_TIMEOUT_MS: { type: 'integer', default: 60_000, minimum: 10, maximum: 3_600_000 },
    BATCH_CONCURRENCY: { type: 'integer', default: 0, minimum: 0, maximum: 65_536 },
    HEADERS_TIMEOUT_MS: { type: 'integer', default: 10_000, minimum: 100, maximum: 600_000 },
    BODY_TIMEOUT_MS: { type: 'integer', default: 60_000, minimum: 100, maximum: 3_600_000 },
    MAX_CONNECTIONS: { type: 'integer', default: 8192, minimum: 1, maximum: 1_000_000 },
  },
} as const

export interface Config {
  HOST: string
  PORT: number
  /** Empty: the embedded local engine is started and used. */
  TEXT_API_URL: string
  TEXT_API_KEY: string
  MAX_TEXT_CHARS: number
  REQUEST_TIMEOUT_MS: number
  /** Upstream calls in flight (across the cluster with Redis); 0: 32 for a configured API, 1024 for the embedded engine. */
  UPSTREAM_CONCURRENCY: number
  UPSTREAM_QUEUE_LIMIT: number
  UPSTREAM_CONNECT_TIMEOUT_MS: number
  UPSTREAM_MAX_RESPONSE_BYTES: number
  UPSTREAM_MAX_ATTEMPTS: number
  UPSTREAM_RETRY_BASE_MS: number
  UPSTREAM_RETRY_BUDGET_RATIO: number
  BREAKER_FAILURE_RATIO: number
  BREAKER_MIN_CALLS: number
  BREAKER_WINDOW_MS: number
  BREAKER_HALF_OPEN_AFTER_MS: number
  MAX_EVENT_LOOP_DELAY_MS: number
  /** On SIGTERM, the time in-flight requests get to finish once the service stops accepting, in ms. */
  SHUTDOWN_GRACE_MS: number
  /** On SIGTERM, how long the service stays up and serving while readiness says 503 (draining), in ms. */
  SHUTDOWN_DELAY_MS: number
  ENGINE_MAX_PHRASES: number
  /** The embedded engine's threads for large texts; 0: one per core. */
  ENGINE_WORKERS: number
  /** Added to the embedded engine's large-text threads' nice value (Linux); 0 leaves them at the service's priority. */
  ENGINE_LARGE_NICE: number
  /** Serve Prometheus metrics on GET /metrics. */
  METRICS: boolean
  /** Serve the browser playground on GET /playground. */
  PLAYGROUND: boolean
  /** Empty: no CORS. `*`, or origins separated by commas (e.g. https://app.example.com). */
  CORS_ORIGINS: string
  /** Cache each part's result (memory, and Redis when REDIS_URL is set). */
  CACHE: boolean
  CACHE_MAX_BYTES: number
  CACHE_MAX_ENTRY_BYTES: number
  CACHE_TTL_S: number
  CACHE_STALE_IF_ERROR_S: number
  /** Empty: no Redis; the cache is per process. redis:// or rediss://, e.g. redis://cache:6379/0. */
  REDIS_URL: string
  REDIS_COMMAND_TIMEOUT_MS: number
  /** Prefix of every Redis key and channel, so several deployments can share one Redis. */
  REDIS_PREFIX: string
  /** With Redis: a permit's lease, renewed while held; a crashed replica's permits free within it. */
  UPSTREAM_LEASE_MS: number
  /** Upstream calls per second over any one-second window (across the cluster with Redis); 0: none. */
  UPSTREAM_RATE_LIMIT: number
  /** With Redis: this replica's concurrency while Redis is down; 0: a quarter of UPSTREAM_CONCURRENCY. */
  UPSTREAM_FALLBACK_CONCURRENCY: number
  /** Lower this replica's ceiling when the upstream signals overload, raise it while calls succeed. */
  UPSTREAM_ADAPTIVE: boolean
  /** Client keys, `name:sha256-hex-of-key` separated by commas; empty (and no file): the service is open. */
  API_KEYS: string
  /** A file of the same entries, one per line (`#` comments). */
  API_KEYS_FILE: string
  /** Characters of analysed text per client per minute (a cache hit costs nothing); 0: no quota. */
  QUOTA_CHARS_PER_MIN: number
  /** Items in one POST /analyze/batch. */
  MAX_BATCH_ITEMS: number
  /** Characters of text in one batch, all items together (the batch's body limit follows). */
  MAX_BATCH_CHARS: number
  /** The most a batch's Request-Timeout-Ms (or timeoutMs) may give each item, in ms. */
  MAX_BATCH_TIMEOUT_MS: number
  /** Upstream calls in flight for all batches together (the cluster's, with Redis); 0: half the upstream limit. */
  BATCH_CONCURRENCY: number
  /** Requests per client per minute; 0: no limit. */
  RATE_LIMIT_PER_MIN: number
  /** A request's headers must have arrived within this long of its first byte, in ms (server.headersTimeout). */
  HEADERS_TIMEOUT_MS: number
  /** The whole request, headers and body, must have arrived within this long of its first byte, in ms (server.requestTimeout). */
  BODY_TIMEOUT_MS: number
  /** Open client connections at most (server.maxConnections); more are closed as they arrive. */
  MAX_CONNECTIONS: number
  /** When set, GET /metrics requires this key (its sha256 hex), as Bearer or X-API-Key. */
  METRICS_KEY: string
}

/** A configuration value is wrong; the message names the variable and the rule. */
export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/** env-schema's (and so @fastify/env's) "env/PORT must be <= 65535", in the operator's words. */
export function toConfigError (err: unknown): ConfigError {
  return new ConfigError(`invalid configuration: ${(err as Error).message.replaceAll('env/', '')}`)
}

export function loadLogConfig (env: Record<string, unknown> = process.env): LogConfig {
  try {
    return envSchema<LogConfig>({ schema: logConfigSchema, data: env, env: false, dotenv: false })
  } catch (err) {
    throw toConfigError(err)
  }
}

/**
 * Whole numbers are written in decimal digits: the schema's coercion would otherwise read PORT=0x10 as
 * 16 and 1e4 as 10000, and start on a value nobody wrote. Values given as numbers (tests) pass.
 */
export function checkNumbers (env: Record<string, unknown>): void {
  for (const [name, rule] of Object.entries(configSchema.properties)) {
    const value = env[name]
    // What is no number at all ('eighty') or out of range ('-1') the schema refuses, naming its rule.
    if (rule.type === 'integer' && typeof value === 'string' && !/^\s*-?\d+\s*$/.test(value) && Number.isFinite(Number(value)) && value.trim() !== '') {
      throw new ConfigError(`invalid configuration: ${name} must be a whole number in decimal digits, got ${JSON.stringify(value)}`)
    }
  }
}

/** Parses a URL variable; the message never repeats the value, which may hold a password. */
function parseUrl (name: string, value: string): URL {
  try {
    return new URL(value)
  } catch {
    throw new ConfigError(`invalid configuration: ${name} is not a valid URL (check its host and port)`)
  }
}

/** The rules between variables, and within a URL, which a per-variable schema cannot say. */
export function checkConfig (config: Config): void {
  if (config.TEXT_API_URL !== '') {
    if (config.TEXT_API_KEY === '') throw new ConfigError('invalid configuration: TEXT_API_KEY is required when TEXT_API_URL is set')
    const url = parseUrl('TEXT_API_URL', config.TEXT_API_URL)
    // They would be dropped without a word: the upstream is called with its origin and path only.
    if (url.username !== '' || url.password !== '') {
      throw new ConfigError('invalid configuration: TEXT_API_URL must not hold credentials (user:password@); the key goes in TEXT_API_KEY')
    }
  }
  if (config.REDIS_URL !== '') {
    const url = parseUrl('REDIS_URL', config.REDIS_URL)
    if (!/^\/?(\d{1,5})?$/.test(url.pathname)) {
      throw new ConfigError('invalid configuration: REDIS_URL\'s path must be a database number, e.g. redis://host:6379/0')
    }
  }
  if (config.HEADERS_TIMEOUT_MS > config.BODY_TIMEOUT_MS) {
    throw new ConfigError(`invalid configuration: HEADERS_TIMEOUT_MS (${config.HEADERS_TIMEOUT_MS}) must not exceed BODY_TIMEOUT_MS (${config.BODY_TIMEOUT_MS}), which counts the headers too`)
  }
  if (config.UPSTREAM_CONCURRENCY > 0 && config.UPSTREAM_FALLBACK_CONCURRENCY > config.UPSTREAM_CONCURRENCY) {
    throw new ConfigError(`invalid configuration: UPSTREAM_FALLBACK_CONCURRENCY (${config.UPSTREAM_FALLBACK_CONCURRENCY}) must not exceed UPSTREAM_CONCURRENCY (${config.UPSTREAM_CONCURRENCY}), the limit of the whole cluster`)
  }
}
