// Client keys: `name:sha256-hex` entries (plain keys never sit in config), and who a request's key belongs to.
import { createHash, timingSafeEqual } from 'node:crypto'
import { ConfigError } from '../config.js'

export interface ClientKey {
  readonly name: string
  readonly digest: Buffer
}

const ENTRY = /^([A-Za-z0-9_.-]{1,64}):([0-9a-fA-F]{64})$/

/**
 * Parses entries separated by commas or new lines (`#` starts a comment), from the variable `source`
 * names; throws a ConfigError naming it and the entry at fault. A name appears once.
 */
export function parseKeys (text: string, source: string): ClientKey[] {
  const keys: ClientKey[] = []
  const entries = text.split(/[,\n]/).map((line) => line.replace(/#.*$/, '').trim()).filter((line) => line !== '')
  for (const [i, entry] of entries.entries()) {
    const match = ENTRY.exec(entry)
    // Never echo the entry: it may be a plain key pasted by mistake.
    if (match === null) throw new ConfigError(`invalid configuration: ${source} entry ${i + 1} must be name:sha256-hex-of-key (name of 1 to 64 of A-Z a-z 0-9 _ . -, then 64 hex digits)`)
    if (keys.some((k) => k.name === match[1])) throw new ConfigError(`invalid configuration: ${source} names "${match[1]}" twice`)
    keys.push({ name: match[1]!, digest: Buffer.from(match[2]!, 'hex') })
  }
  return keys
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey (headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth)
    if (match !== null) return match[1]
  }
  const key = headers['x-api-key']
  return typeof key === 'string' && key !== '' ? key : undefined
}

/**
 * The name of the client whose key this is, or undefined. Every configured digest is compared, in
 * constant time, whatever matches: the time taken says nothing about which key, or how much of one.
 */
export function identify (keys: readonly ClientKey[], presented: string): string | undefined {
  const digest = createHash('sha256').update(presented).digest()
  let found: string | undefined
  for (const key of keys) if (timingSafeEqual(digest, key.digest) && found === undefined) found = key.name
  return found
}

/** What to put in API_KEYS for a key: `name:sha256-hex`. */
export function keyEntry (name: string, key: string): string {
  return `${name}:${createHash('sha256').update(key).digest('hex')}`
}
