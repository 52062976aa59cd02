// GET /healthz: liveness plus what an operator wants at a glance (permits, queue, circuits).
import type { FastifyInstance } from 'fastify'
import { partNames } from '../upstream/endpoints.js'

export default async function healthRoutes (app: FastifyInstance): Promise<void> {
  app.get('/healthz', async () => {
    const { client, guards, embedded } = app.upstream
    return {
      status: 'ok',
      upstream: {
        embedded,
        inFlight: client.semaphore.inFlight,
        limit: client.semaphore.limit,
        waiting: client.semaphore.waiting,
        circuits: Object.fromEntries(partNames.map((p) => [p, guards[p].circuitState])),
      },
    }
  })
}
