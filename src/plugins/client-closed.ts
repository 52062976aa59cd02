// A request whose client left before its answer: logged once with CLIENT_CLOSED (499, never sent) and published for metrics.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { requestClosedChannel } from '../events.js'
import type { RequestClosedEvent } from '../events.js'
import { logClientClosed } from '../request-log.js'
import { routeLabel } from './problems.js'

export default fp(async function clientClosed (app: FastifyInstance) {
  // Such a request never finishes, so neither Fastify's completion line nor onResponse ever sees it.
  app.addHook('onRequest', (request, reply, done) => {
    const res = reply.raw
    res.once('close', () => {
      if (res.writableFinished) return
      logClientClosed(request, reply)
      if (requestClosedChannel.hasSubscribers) {
        requestClosedChannel.publish({ source: app, route: routeLabel(request), client: request.client?.name, seconds: reply.elapsedTime / 1000 } satisfies RequestClosedEvent)
      }
    })
    done()
  })
}, { name: 'client-closed', dependencies: ['problems'] })
