// Content-addressed cache keys: one digest of (cache version, upstream identity, text in NFC) per request, a key per part.
import { createHash } from 'node:crypto'
import type { PartName } from '../parts.js'

/** Bump when a cached value's meaning changes; old entries are then never read again. */
export const CACHE_VERSION = 1

/**
 * The digest of everything an analysis depends on: the upstream's identity (its base URL and the
 * options sent to it, never its key) and the text, already normalised to NFC by the caller.
 */
export function textDigest (upstreamIdentity: string, nfcText: string): string {
  return createHash('sha256').update(`text-bff/${CACHE_VERSION}\n${upstreamIdentity}\n`).update(nfcText).digest('base64url')
}

export function partKey (part: PartName, digest: string): string {
  return `${part}:${digest}`
}
