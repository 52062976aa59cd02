// A request whose client left before its answer: logged once with CLIENT_CLOSED (499, never sent), or with the refusal Node's parser wrote in its place (408), and published for metrics.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { requestClosedChannel } from '../events.js'
import type { RequestClosedEvent } from '../events.js'
import { logClientClosed } from '../request-log.js'
import { refusalOf, requestIdOf } from '../client-error.js'
import type { TrackedResponse } from '../client-error.js'
import { errorCodes } from '../errors.js'
import { routeLabel } from './problems.js'

export default fp(async function clientClosed (app: FastifyInstance) {
  // Such a request never finishes, so neither Fastify's completion line nor onResponse ever sees it.
  app.addHook('onRequest', (request, reply, done) => {
    const res: TrackedResponse = reply.raw
    res[requestIdOf] = request.id
    res.once('close', () => {
      if (res.writableFinished) return
      // Node's parser may have answered in the response's place (408: the body trickled in too slowly).
      const refusal = res[refusalOf]
      logClientClosed(request, reply, refusal)
      if (requestClosedChannel.hasSubscribers) {
        const status = refusal?.status ?? errorCodes.CLIENT_CLOSED.status
        requestClosedChannel.publish({ source: app, route: routeLabel(request), client: request.client?.name, seconds: reply.elapsedTime / 1000, status } satisfies RequestClosedEvent)
      }
    })
    done()
  })
}, { name: 'client-closed', dependencies: ['problems'] })
