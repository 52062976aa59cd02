// The standalone engine's environment: defaults, and a named error for each wrong variable.
import t from 'tap'
import { DEFAULT_PORT, loadEngineConfig } from '../../src/engine/config.js'
import { DEFAULT_BODY_LIMIT, DEFAULT_HOST, DEFAULT_LARGE_NICE } from '../../src/engine/options.js'

t.test('an empty environment gives port 8080 on loopback, no key, the default limits', async (t) => {
  t.same(loadEngineConfig({}), {
    host: DEFAULT_HOST,
    port: DEFAULT_PORT,
    apiKey: undefined,
    maxPhrases: undefined,
    bodyLimit: DEFAULT_BODY_LIMIT,
    logLevel: 'info',
    workers: undefined,
    largeNice: DEFAULT_LARGE_NICE
  })
  t.equal(DEFAULT_PORT, 8080)
  t.equal(DEFAULT_LARGE_NICE, 10)
  t.equal(loadEngineConfig({ PORT: '', TEXT_API_KEY: '' }).apiKey, undefined, 'empty counts as unset')
})

t.test('reads every variable', async (t) => {
  t.same(loadEngineConfig({ HOST: '0.0.0.0', PORT: '9000', TEXT_API_KEY: 'k', MAX_PHRASES: '7', BODY_LIMIT: '2048', LOG_LEVEL: 'warn', WORKERS: '3', LARGE_NICE: '0' }), {
    host: '0.0.0.0', port: 9000, apiKey: 'k', maxPhrases: 7, bodyLimit: 2048, logLevel: 'warn', workers: 3, largeNice: 0
  })
})

t.test('names the variable that is wrong', async (t) => {
  for (const [name, value] of [['PORT', '70000'], ['PORT', '80a'], ['MAX_PHRASES', '0'], ['MAX_PHRASES', '-3'], ['BODY_LIMIT', '1.5'], ['LOG_LEVEL', 'loud'], ['TEXT_API_KEY', '   '], ['WORKERS', '0'], ['WORKERS', 'four'], ['WORKERS', '65'], ['LARGE_NICE', '20'], ['LARGE_NICE', '-1']]) {
    t.throws(() => loadEngineConfig({ [name as string]: value }), { name: 'EngineOptionError', option: name }, `${name}=${value}`)
  }
})
