// Readiness for orchestrators: draining on SIGTERM, the embedded engine's state, the circuits; and what to report beside it.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { EngineStats } from '../engine/embedded.js'
import { partNames } from '../parts.js'

export type NotReadyReason = 'draining' | 'engine-down' | 'circuits-open'

export interface Readiness {
  /** Set once draining began: ready answers 503 while requests are still served. */
  readonly draining: boolean
  /** Starts draining (server.ts, on SIGTERM, SHUTDOWN_DELAY_MS before it stops accepting). */
  drain (): void
  /** Why the service should receive no traffic now (empty when ready), and the embedded engine's pool and backlog. */
  check (): Promise<{ reasons: NotReadyReason[], engine: EngineStats | undefined }>
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness
  }
}

export default fp(async function readiness (app: FastifyInstance) {
  let draining = false
  const { guards } = app.upstream
  app.decorate('readiness', {
    get draining () { return draining },
    drain () {
      if (!draining) app.log.info({ delayMs: app.config.SHUTDOWN_DELAY_MS }, 'draining: readiness answers 503, requests are still served')
      draining = true
    },
    async check () {
      const out: NotReadyReason[] = []
      if (draining) out.push('draining')
      // The embedded engine is up once it answers and has a thread that can analyse.
      const engine = app.engine === undefined ? undefined : await app.engine.stats().catch(() => undefined)
      if (app.engine !== undefined && (engine === undefined || engine.workers === 0)) out.push('engine-down')
      // Every circuit open: nothing this replica can serve needs the upstream less than a peer would. Only
      // until a probe is due, though: a circuit moves to half-open when a request comes, and no request
      // comes to a replica its balancer has unlisted.
      if (partNames.every((p) => guards[p].circuitState === 'open' && guards[p].probeInMs() > 0)) out.push('circuits-open')
      return { reasons: out, engine }
    },
  })
}, { name: 'readiness', dependencies: ['@fastify/env', 'engine', 'upstream'] })
