// @ts-check
// The cached scenario's reference: one Fastify route that parses the same body and answers a constant JSON document.
// Its document is the service's own answer for the benchmark text (CONSTANT_BODY_FILE), so both send the same bytes.
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

const port = Number(process.env.PORT ?? 3000)
const file = process.env.CONSTANT_BODY_FILE
if (file === undefined) throw new Error('CONSTANT_BODY_FILE must name the JSON document to answer')
const document = readFileSync(file, 'utf8')

const app = Fastify({ logger: false, keepAliveTimeout: 72_000 })
app.post('/analyze', async (_request, reply) => {
  reply.type('application/json')
  return document
})
app.get('/healthz', async () => ({ status: 'ok' }))
await app.listen({ host: '127.0.0.1', port })
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
