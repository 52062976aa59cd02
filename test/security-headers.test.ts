// Security headers: the API's strict policy on every answer (success, problem, streamed), a page's own policy where it has one.
import t from 'tap'
import { request } from 'undici'
import { securityHeadersOf } from '../src/plugins/security-headers.js'
import { build } from './helpers/build.js'

const API_POLICY = "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'"

t.test('every answer of the API carries its policy and helmet\'s other headers; the playground its own policy', async (t) => {
  const { url, client, analyze } = await build(t)
  const get = async (path: string, init: Parameters<typeof request>[1] = {}): Promise<Record<string, unknown>> => {
    const res = await request(`${url}${path}`, { dispatcher: client, ...init })
    await res.body.dump()
    return res.headers
  }
  const answers = {
    'a 200 analysis': (await analyze({ text: 'Marie Curie was born in Warsaw.' })).headers,
    'a streamed analysis': await get('/analyze', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' }, body: JSON.stringify({ text: 'Marie Curie was born in Warsaw.' }) }),
    'a 400 problem': (await analyze({ text: '' })).headers,
    'a 404 problem': await get('/nowhere'),
    'a 405 problem': await get('/analyze'),
  }
  for (const [what, headers] of Object.entries(answers)) {
    t.equal(headers['content-security-policy'], API_POLICY, `${what}: the API's policy`)
    t.equal(headers['x-content-type-options'], 'nosniff', `${what}: nosniff`)
    t.equal(headers['cross-origin-resource-policy'], 'same-site', `${what}: CORP same-site`)
    t.equal(headers['x-frame-options'], 'SAMEORIGIN', `${what}: not framed`)
    t.equal(headers['x-powered-by'], undefined, `${what}: no X-Powered-By`)
  }
  const page = await get('/playground')
  t.match(page['content-security-policy'], /^default-src 'none';script-src 'self';.*connect-src 'self'/, 'the playground has its own policy')
  t.equal(page['x-content-type-options'], 'nosniff', 'and the other headers')
})

t.test('the headers are helmet\'s own for the options, computed once; an invalid policy is refused at start-up', async (t) => {
  const headers = securityHeadersOf({ contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'self'"] } } })
  t.equal(headers['content-security-policy'], "default-src 'self'")
  t.ok(Object.isFrozen(headers), 'shared by every request, so frozen')
  t.throws(() => securityHeadersOf({ contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'self';"] } } }), /invalid directive value/, 'a value that would end its directive throws')
})
