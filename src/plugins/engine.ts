// Decides the upstream: the configured Text API, or the embedded engine this plugin starts (and stops) when none is.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { EmbeddedEngine } from '../engine/embedded.js'
import { bodyLimitFor } from '../schemas.js'

export interface UpstreamTarget {
  /** Base URL of the Text API in use. */
  baseUrl: string
  apiKey: string
  /** True when it is the embedded engine. */
  embedded: boolean
  /**
   * What the upstream's answers depend on besides the text, for cache keys: the API's base URL, or the
   * embedded engine's release and options. Never the key.
   */
  identity: string
}

// The embedded engine's answers change with its code: its release is part of what they depend on.
const release = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

declare module 'fastify' {
  interface FastifyInstance {
    upstreamTarget: UpstreamTarget
    /** The embedded engine, when TEXT_API_URL is unset. */
    engine: EmbeddedEngine | undefined
  }
}

export default fp(async function engine (app: FastifyInstance) {
  const config = app.config
  if (config.TEXT_API_URL !== '') {
    const url = new URL(config.TEXT_API_URL)
    app.log.info({ upstream: url.origin + url.pathname }, 'upstream: the configured Text API')
    app.decorate('engine', undefined)
    const base = url.origin + url.pathname.replace(/\/+$/, '')
    app.decorate('upstreamTarget', { baseUrl: config.TEXT_API_URL, apiKey: config.TEXT_API_KEY, embedded: false, identity: base })
    return
  }
  // A fresh key per start: the engine listens on loopback, and only this process should use it.
  const apiKey = randomBytes(16).toString('hex')
  // Imported on demand: a service that fronts the real API never loads the engine's code.
  const { startEmbeddedEngine } = await import('../engine/embedded.js')
  const started = await startEmbeddedEngine({
    log: app.log.child({ component: 'engine' }),
    apiKey,
    maxPhrases: config.ENGINE_MAX_PHRASES,
    ...(config.ENGINE_WORKERS > 0 ? { workers: config.ENGINE_WORKERS } : {}),
    largeNice: config.ENGINE_LARGE_NICE,
    // Whatever the service admits (a text of MAX_TEXT_CHARS, however it is escaped) the engine admits too.
    bodyLimit: bodyLimitFor(config.MAX_TEXT_CHARS),
  })
  app.addHook('onClose', async () => { await started.close() })
  app.log.info({ upstream: started.url }, 'upstream: the embedded local engine (TEXT_API_URL is unset)')
  app.decorate('engine', started)
  app.decorate('upstreamTarget', {
    baseUrl: started.url,
    apiKey,
    embedded: true,
    identity: `embedded-engine/${release}?maxPhrases=${config.ENGINE_MAX_PHRASES}`,
  })
}, { name: 'engine', dependencies: ['@fastify/env'] })
