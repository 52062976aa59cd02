// Who is calling, and how much they may: client keys (401), a request-rate limit (@fastify/rate-limit), quotas in characters of text.
import { readFileSync } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import { LRUCache } from 'lru-cache'
import { parseKeys, identify, presentedKey } from '../clients/keys.js'
import type { ClientKey } from '../clients/keys.js'
import { ClientLimit } from '../clients/limits.js'
import type { Standing } from '../clients/limits.js'
import { ClientLimitStore } from '../clients/rate-limit-store.js'
import { ConfigError } from '../config.js'
import { ServiceError } from '../errors.js'

export interface Client {
  /** What its limits are counted under: `key:<name>`, or `ip:<address>` when keys are off. */
  readonly id: string
  /** For logs and metrics: the key's name, or `anonymous` when keys are off. Never the key. */
  readonly name: string
}

export interface Clients {
  /** Keys are required on client routes. */
  readonly keysRequired: boolean
  /** Characters of text per minute (QUOTA_CHARS_PER_MIN), when on. */
  readonly quota: ClientLimit | undefined
  /** Requests per minute (RATE_LIMIT_PER_MIN), when on. */
  readonly rate: ClientLimit | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    clients: Clients
  }
  interface FastifyRequest {
    /** Set on client routes (`config.client`). */
    client: Client | undefined
    /** Where the client stands with its character quota after this request, for the RateLimit header. */
    quotaStanding: Standing | undefined
  }
  interface FastifyContextConfig {
    /** A route clients pay for: keys, the request-rate limit and the quota apply. */
    client?: boolean
  }
}

const REALM = 'text-bff'

function loadKeys (app: FastifyInstance): ClientKey[] {
  const { API_KEYS, API_KEYS_FILE } = app.config
  let text = API_KEYS
  if (API_KEYS_FILE !== '') {
    try {
      text += `\n${readFileSync(API_KEYS_FILE, 'utf8')}`
    } catch (err) {
      throw new ConfigError(`invalid configuration: API_KEYS_FILE cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
    }
  }
  return parseKeys(text, API_KEYS_FILE === '' ? 'API_KEYS' : 'API_KEYS/API_KEYS_FILE')
}

export default fp(async function clients (app: FastifyInstance) {
  const config = app.config
  const keys = loadKeys(app)
  const redis = app.redis
  const quota = config.QUOTA_CHARS_PER_MIN > 0
    ? new ClientLimit({ points: config.QUOTA_CHARS_PER_MIN, keyPrefix: `${config.REDIS_PREFIX}:quota`, redis })
    : undefined
  const rate = config.RATE_LIMIT_PER_MIN > 0
    ? new ClientLimit({ points: config.RATE_LIMIT_PER_MIN, keyPrefix: `${config.REDIS_PREFIX}:rate`, redis })
    : undefined
  // A keys file names who may call: with none in it (every key revoked), nobody may, rather than anybody.
  const keysRequired = keys.length > 0 || config.API_KEYS_FILE !== ''
  if (keysRequired && keys.length === 0) app.log.warn('API_KEYS_FILE holds no key: every request of a client route is refused with 401')
  app.decorate('clients', { keysRequired, quota, rate })
  app.decorateRequest('client', undefined)
  app.decorateRequest('quotaStanding', undefined)

  // Who: before anything else a client route does. Keys off: the client is its address.
  // Synchronous, like every hook on the hot path: an async hook costs each request a promise and a turn.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config.client !== true) return done()
    if (!keysRequired) {
      request.client = { id: `ip:${request.ip}`, name: 'anonymous' }
      return done()
    }
    const presented = presentedKey(request.headers)
    const name = presented === undefined ? undefined : identify(keys, presented)
    if (name === undefined) {
      reply.header('www-authenticate', presented === undefined ? `Bearer realm="${REALM}"` : `Bearer realm="${REALM}", error="invalid_token"`)
      return done(new ServiceError('UNAUTHORIZED', presented === undefined
        ? 'a client key is required: send Authorization: Bearer <key> or X-API-Key: <key>'
        : 'the client key is not known'))
    }
    request.client = { id: `key:${name}`, name }
    done()
  })

  // How often: @fastify/rate-limit, counting in a ClientLimit (Redis with a local fallback).
  const standings = new LRUCache<string, Standing>({ max: 10_000 })
  if (rate !== undefined) {
    const store = new ClientLimitStore(rate, standings as unknown as Map<string, Standing>)
    await app.register(rateLimit, {
      global: false,
      max: rate.points,
      timeWindow: rate.windowS * 1000,
      // The plugin builds its store with `new`; this one is shared, so the class hands it back.
      store: class { constructor () { return store } } as never,
      keyGenerator: (request) => request.client?.id ?? `ip:${request.ip}`,
      addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': false },
      addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
      errorResponseBuilder: (_request, context) => new ServiceError('TOO_MANY_REQUESTS',
        `more than ${rate.points} requests in ${rate.windowS} s; try again in ${Math.ceil(context.ttl / 1000)} s`,
        { retryAfterS: Math.max(1, Math.ceil(context.ttl / 1000)) }),
    })
  }

  // Every answer of a client route says where the client stands (draft-ietf-httpapi-ratelimit-headers).
  if (rate !== undefined || quota !== undefined) {
    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
      const client = request.client
      if (client === undefined) return
      const policies: string[] = []
      const states: string[] = []
      if (rate !== undefined) {
        const s = standings.get(client.id) ?? { remaining: rate.points, resetMs: rate.windowS * 1000 }
        policies.push(`"requests";q=${rate.points};w=${rate.windowS}`)
        states.push(`"requests";r=${s.remaining};t=${Math.ceil(s.resetMs / 1000)}`)
      }
      if (quota !== undefined) {
        const s = request.quotaStanding ?? await quota.standing(client.id)
        policies.push(`"chars";q=${quota.points};w=${quota.windowS};qu="chars"`)
        states.push(`"chars";r=${s.remaining};t=${Math.ceil(s.resetMs / 1000)}`)
      }
      reply.header('ratelimit-policy', policies.join(', '))
      reply.header('ratelimit', states.join(', '))
    })
  }
}, { name: 'clients', dependencies: ['@fastify/env', 'redis', 'problems'] })

/**
 * Charges a client's quota for a text (its length in characters), or throws QUOTA_EXCEEDED with when
 * to come back. Returns what to refund if the request turns out to cost the upstream nothing.
 */
export async function chargeQuota (request: FastifyRequest, chars: number): Promise<number> {
  const quota = request.server.clients.quota
  const client = request.client
  if (quota === undefined || client === undefined) return 0
  if (chars === 0) return 0
  // No Retry-After: no wait makes such a text fit, and a client that honours the header would only loop.
  if (chars > quota.points) {
    throw new ServiceError('QUOTA_EXCEEDED', `a text of ${chars} characters is more than the whole quota of ${quota.points} characters per ${quota.windowS} s; it will not fit, send a shorter one`)
  }
  const charge = await quota.charge(client.id, chars)
  request.quotaStanding = charge.standing
  if (!charge.ok) {
    const retryAfterS = Math.max(1, Math.ceil(charge.standing.resetMs / 1000))
    throw new ServiceError('QUOTA_EXCEEDED',
      `the quota of ${quota.points} characters per ${quota.windowS} s has ${charge.standing.remaining} left, fewer than this text's ${chars}; try again in ${retryAfterS} s`,
      { retryAfterS })
  }
  return chars
}

/** Gives back a charge for a request whose every part came from the cache or from a call someone else made. */
export async function refundQuota (request: FastifyRequest, chars: number): Promise<void> {
  const quota = request.server.clients.quota
  const client = request.client
  if (quota === undefined || client === undefined || chars === 0) return
  await quota.refund(client.id, chars)
  if (request.quotaStanding !== undefined) request.quotaStanding = { ...request.quotaStanding, remaining: Math.min(quota.points, request.quotaStanding.remaining + chars) }
}
