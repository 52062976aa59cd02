// @ts-check
// The Fastify floor: the floor's /analyze job in a bare Fastify route (body schema, no logger, no plugins), run as npm start runs the service.
// Against the floor it prices the framework and npm start's node flags; against the service, what the service adds on top of them.
import Fastify from 'fastify'
import { floorJob } from './lib/floor-job.js'

const { agent, analyze } = floorJob(process.env)
const app = Fastify({ logger: false, keepAliveTimeout: 120_000 })

app.get('/healthz', async () => ({ status: 'ok' }))
app.post('/analyze', {
  schema: { body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', minLength: 1 } } } }
}, async (request, reply) => {
  const { ok, result } = await analyze(/** @type {{ text: string }} */ (request.body).text)
  reply.code(ok ? 200 : 502)
  return result
})

await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' })

process.on('SIGTERM', () => {
  app.close().then(() => agent.close()).finally(() => process.exit(0))
})
