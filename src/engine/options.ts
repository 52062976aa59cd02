// Checks for the engine's options, shared by the server, the standalone entry and the supervisor.
import { isIP } from 'node:net'
import { EngineOptionError } from './errors.js'

export const DEFAULT_HOST = '127.0.0.1'
/** bytes */
export const DEFAULT_BODY_LIMIT = 1024 * 1024
// A response of thousands of phrases is a mistake, not a use.
export const MAX_MAX_PHRASES = 1000

export function checkMaxPhrases (value: unknown, name = 'maxPhrases'): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_MAX_PHRASES) {
    throw new EngineOptionError(name, `must be an integer from 1 to ${MAX_MAX_PHRASES}, got ${String(value)}`)
  }
  return value
}

// More threads than this is a typo, not a machine: each thread holds its own copy of the models (~100 MB).
export const MAX_WORKERS = 64

/** Threads that may analyse large texts at once; undefined: one per core. */
export function checkWorkers (value: unknown, name = 'workers'): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_WORKERS) {
    throw new EngineOptionError(name, `must be an integer from 1 to ${MAX_WORKERS}, got ${String(value)}`)
  }
  return value
}

// Linux's range for a nice value; above 0 lowers the large-text threads' CPU priority.
export const MAX_NICE = 19
export const DEFAULT_LARGE_NICE = 10

/** Added to the large-text threads' nice value; undefined: DEFAULT_LARGE_NICE. */
export function checkLargeNice (value: unknown, name = 'largeNice'): number {
  if (value === undefined) return DEFAULT_LARGE_NICE
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_NICE) {
    throw new EngineOptionError(name, `must be an integer from 0 to ${MAX_NICE}, got ${String(value)}`)
  }
  return value
}

export function checkBodyLimit (value: unknown, name = 'bodyLimit'): number {
  if (value === undefined) return DEFAULT_BODY_LIMIT
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new EngineOptionError(name, `must be a positive whole number of bytes, got ${String(value)}`)
  }
  return value
}

export function checkApiKey (value: unknown, name = 'apiKey'): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.trim() === '') {
    throw new EngineOptionError(name, 'must be a non-empty string when given')
  }
  return value
}

export function checkHost (value: unknown, name = 'host'): string {
  if (value === undefined) return DEFAULT_HOST
  if (typeof value !== 'string' || value.trim() === '') throw new EngineOptionError(name, 'must be a non-empty string')
  return value
}

export function checkPort (value: unknown, name = 'port'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new EngineOptionError(name, `must be an integer from 0 to 65535, got ${String(value)}`)
  }
  return value
}

/** `http://host:port`, with an IPv6 address in brackets. */
export function origin (host: string, port: number): string {
  return isIP(host) === 6 ? `http://[${host}]:${port}` : `http://${host}:${port}`
}
