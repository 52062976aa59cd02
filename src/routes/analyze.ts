// POST /analyze: one text in, summary, entities and common phrases out, with a report on each part.
import type { FastifyInstance } from 'fastify'
import { analysis, analyzeBody, bodyLimitFor, problem } from '../schemas.js'
import { analyzeRequest } from './analyze-http.js'
import type { AnalyzeBody } from './analyze-http.js'

export default async function analyzeRoute (app: FastifyInstance): Promise<void> {
  const { MAX_TEXT_CHARS, REQUEST_TIMEOUT_MS } = app.config
  app.post<{ Body: AnalyzeBody }>('/analyze', {
    bodyLimit: bodyLimitFor(MAX_TEXT_CHARS),
    schema: {
      body: analyzeBody(MAX_TEXT_CHARS, REQUEST_TIMEOUT_MS),
      response: { 200: analysis, '4xx': problem, '5xx': problem },
    },
  }, analyzeRequest)
}
