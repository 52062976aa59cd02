// POST /analyze: one text in, summary, entities and common phrases out, with a report on each part.
import type { FastifyInstance } from 'fastify'
import { analysisAnswers, analysisProblems, analyzeBody, analyzeHeaders, bodyLimitFor } from '../schemas.js'
import { analyzeRequest } from './analyze-http.js'
import type { AnalyzeBody } from './analyze-http.js'

export default async function analyzeRoute (app: FastifyInstance): Promise<void> {
  const { MAX_TEXT_CHARS, REQUEST_TIMEOUT_MS } = app.config
  app.post<{ Body: AnalyzeBody }>('/analyze', {
    bodyLimit: bodyLimitFor(MAX_TEXT_CHARS),
    // Client keys, the request-rate limit (when registered) and the quota apply.
    config: { client: true, rateLimit: {}, bodyLimitOf: `text may be at most MAX_TEXT_CHARS (${MAX_TEXT_CHARS}) characters` },
    schema: {
      summary: 'Analyse a text',
      description: 'Summary, named entities and most common phrases of one text, computed concurrently upstream, each part reported on ' +
        '(status, time, attempts, cache). A part that fails without being required makes the answer partial, not an error.',
      tags: ['analysis'],
      headers: analyzeHeaders(REQUEST_TIMEOUT_MS),
      // With client keys on (API_KEYS), a Bearer token or X-API-Key.
      ...(app.clients.keysRequired ? { security: [{ bearer: [] }, { apiKey: [] }] } : {}),
      body: analyzeBody(MAX_TEXT_CHARS, REQUEST_TIMEOUT_MS),
      response: { 200: analysisAnswers, ...analysisProblems },
    },
  }, analyzeRequest)
}
