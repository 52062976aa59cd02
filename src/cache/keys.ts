// Content-addressed cache keys: one digest of (cache version, upstream identity, text in NFC) per request, a key per part.
import { hash } from 'node:crypto'
import type { PartName } from '../parts.js'

/** Bump when a cached value's meaning changes; old entries are then never read again. */
export const CACHE_VERSION = 1

/**
 * The digest of everything an analysis depends on: the upstream's identity (its base URL and the
 * options sent to it, never its key) and the text, already normalised to NFC by the caller. One-shot
 * `hash` (Node ≥ 20.12): no Hash object a request.
 */
export function textDigest (upstreamIdentity: string, nfcText: string): string {
  return hash('sha256', `text-bff/${CACHE_VERSION}\n${upstreamIdentity}\n${nfcText}`, 'base64url')
}

export function partKey (part: PartName, digest: string): string {
  return `${part}:${digest}`
}

/** Any code unit from U+0300 (combining marks, and every script whose NFC can differ) up, surrogates included. */
const MAYBE_NOT_NFC = /[\u0300-\uffff]/

/**
 * The text in Unicode NFC. Below U+0300 every code point is its own NFC and nothing composes with it, so
 * such a text (most English, much of Western Europe's) is returned as it is: the regular expression
 * scans it in a twentieth of the time ICU takes to normalise it.
 */
export function toNfc (text: string): string {
  return MAYBE_NOT_NFC.test(text) ? text.normalize('NFC') : text
}
