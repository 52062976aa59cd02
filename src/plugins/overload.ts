// Sheds requests with a 503 problem document while the event loop is overloaded (@fastify/under-pressure).
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import underPressure from '@fastify/under-pressure'
import { ServiceError } from '../errors.js'
import { shedChannel } from '../events.js'
import type { ShedEvent } from '../events.js'
import { sendProblem } from './problems.js'

export default fp(async function overload (app: FastifyInstance) {
  const maxDelay = app.config.MAX_EVENT_LOOP_DELAY_MS
  if (maxDelay === 0) return
  await app.register(underPressure, {
    maxEventLoopDelay: maxDelay,
    retryAfter: 1,
    pressureHandler: (request, reply, type, value) => {
      if (shedChannel.hasSubscribers) shedChannel.publish({ reason: 'event-loop' } satisfies ShedEvent)
      sendProblem(request, reply, new ServiceError('OVERLOADED',
        `the service is overloaded (${type} at ${Math.round(Number(value))}); try again in 1 s`, { retryAfterS: 1 }))
    },
  })
}, { name: 'overload', dependencies: ['@fastify/env', 'problems'] })
