// The one validated configuration: a JSON schema over the environment, with defaults.
import envSchema from 'env-schema'

export const configSchema = {
  type: 'object',
  required: [],
  additionalProperties: true,
  properties: {
    HOST: { type: 'string', default: '127.0.0.1', minLength: 1 },
    PORT: { type: 'integer', default: 3000, minimum: 0, maximum: 65535 },
    LOG_LEVEL: { type: 'string', default: 'info', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    LOG_FILE: { type: 'string', default: '' },
    TEXT_API_URL: { type: 'string', default: '', pattern: '^(https?://[^\\s/?#]+(/[^\\s?#]*)?)?$' },
    TEXT_API_KEY: { type: 'string', default: '' },
    MAX_TEXT_CHARS: { type: 'integer', default: 50_000, minimum: 1, maximum: 10_000_000 },
    REQUEST_TIMEOUT_MS: { type: 'integer', default: 10_000, minimum: 10, maximum: 600_000 },
    UPSTREAM_CONCURRENCY: { type: 'integer', default: 32, minimum: 1, maximum: 65_536 },
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
    ENGINE_MAX_PHRASES: { type: 'integer', default: 5, minimum: 1, maximum: 100 },
    METRICS: { type: 'boolean', default: true },
    CORS_ORIGINS: { type: 'string', default: '', pattern: '^\\s*(\\*|(https?://[^\\s,/]+\\s*(,\\s*https?://[^\\s,/]+\\s*)*))?\\s*$' },
  },
} as const

export interface Config {
  HOST: string
  PORT: number
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** Empty: logs go to stdout. */
  LOG_FILE: string
  /** Empty: the embedded local engine is started and used. */
  TEXT_API_URL: string
  TEXT_API_KEY: string
  MAX_TEXT_CHARS: number
  REQUEST_TIMEOUT_MS: number
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
  SHUTDOWN_GRACE_MS: number
  ENGINE_MAX_PHRASES: number
  /** Serve Prometheus metrics on GET /metrics. */
  METRICS: boolean
  /** Empty: no CORS. `*`, or origins separated by commas (e.g. https://app.example.com). */
  CORS_ORIGINS: string
}

export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/**
 * Validates an environment (strings, as in process.env) or already-typed values, fills defaults, and
 * throws a ConfigError naming the variable when a value is wrong.
 */
export function loadConfig (env: Record<string, unknown> = process.env): Config {
  let config: Config
  try {
    config = envSchema<Config>({ schema: configSchema, data: env, env: false, dotenv: false })
  } catch (err) {
    // env-schema's message is "env/PORT must be <= 65535"; say it in the operator's words.
    const message = (err as Error).message.replaceAll('env/', '')
    throw new ConfigError(`invalid configuration: ${message}`)
  }
  if (config.TEXT_API_URL !== '' && config.TEXT_API_KEY === '') {
    throw new ConfigError('invalid configuration: TEXT_API_KEY is required when TEXT_API_URL is set')
  }
  return config
}
