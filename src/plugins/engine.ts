// Decides the upstream: the configured Text API, or the embedded engine this plugin starts (and stops) when none is.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { EmbeddedEngine } from '../engine/embedded.js'

export interface UpstreamTarget {
  /** Base URL of the Text API in use. */
  baseUrl: string
  apiKey: string
  /** True when it is the embedded engine. */
  embedded: boolean
}

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
    app.decorate('upstreamTarget', { baseUrl: config.TEXT_API_URL, apiKey: config.TEXT_API_KEY, embedded: false })
    return
  }
  // A fresh key per start: the engine listens on loopback, and only this process should use it.
  const apiKey = randomBytes(16).toString('hex')
  // Imported on demand: a service that fronts the real API never loads the engine's code.
  const { startEmbeddedEngine } = await import('../engine/embedded.js')
  const started = await startEmbeddedEngine({ log: app.log.child({ component: 'engine' }), apiKey, maxPhrases: config.ENGINE_MAX_PHRASES })
  app.addHook('onClose', async () => { await started.close() })
  app.log.info({ upstream: started.url }, 'upstream: the embedded local engine (TEXT_API_URL is unset)')
  app.decorate('engine', started)
  app.decorate('upstreamTarget', { baseUrl: started.url, apiKey, embedded: true })
}, { name: 'engine', dependencies: ['@fastify/env'] })
