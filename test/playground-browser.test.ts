// The playground in real Chromium: each part rendered as its line streams in, failures shown, keys, and its policy kept.
import t from 'tap'
import type { Test } from 'tap'
import type { Browser, Page } from 'playwright-core'
import { withChromium } from './helpers/browser.js'
import { build } from './helpers/build.js'
import { keyEntry } from '../src/clients/keys.js'

const TEXT = 'Ada Lovelace wrote the first program. Acme Corp paid for it, and Ada Lovelace was paid.'
const SUMMARY = 'Ada Lovelace wrote the first program'
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
const WAIT = { timeout: 20_000 }

// The functions given to page.evaluate run in the page; this program is compiled without the DOM's types.
declare const document: any

interface Opened {
  page: Page
  /** Console errors (a CSP refusal is one), uncaught errors, failed requests and CSP violations, as they happen. */
  troubles: string[]
  csp: string | undefined
}

/** Opens /playground, recording everything that went wrong in the page. */
async function open (t: Test, browser: Browser, url: string): Promise<Opened> {
  const page = await browser.newPage()
  t.teardown(() => page.close())
  const troubles: string[] = []
  page.on('console', (m) => { if (m.type() === 'error') troubles.push(`console: ${m.text()}`) })
  page.on('pageerror', (err) => troubles.push(`error: ${err.message}`))
  page.on('requestfailed', (r) => {
    const error = r.failure()?.errorText
    // Chromium reports a fetch whose body a reader consumed to its end as ERR_ABORTED, now and then (one
    // in two in a loop of plain fetch + getReader(); never with res.text()). The page's outcome line,
    // the stream's last, is what shows the stream was whole.
    if (error === 'net::ERR_ABORTED' && r.method() === 'POST' && r.url().endsWith('/analyze')) return
    troubles.push(`failed: ${r.url()} ${error}`)
  })
  await page.exposeFunction('reportViolation', (v: string) => troubles.push(`violation: ${v}`))
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e: { violatedDirective: string, blockedURI: string }) => {
      void (globalThis as unknown as { reportViolation (v: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`)
    })
  })
  const res = await page.goto(`${url}/playground`)
  return { page, troubles, csp: res?.headers()['content-security-policy'] }
}

async function analyze (page: Page, text: string, key?: string): Promise<void> {
  await page.getByLabel('Text', { exact: true }).fill(text)
  if (key !== undefined) await page.getByLabel(/Client key/).fill(key)
  await page.getByRole('button', { name: 'Analyze' }).click()
}

/** Waits until the outcome line says how the analysis ended. */
async function settled (page: Page): Promise<string> {
  const outcome = page.locator('#outcome', { hasText: /^(Done|Failed)/ })
  await outcome.waitFor(WAIT)
  return outcome.innerText()
}

/** What the page shows: each part's status, meta line and text, the marked entities, the phrases, the problem and the limits. */
async function shown (page: Page) {
  return page.evaluate(() => {
    const part = (name: string) => {
      const section = document.getElementById(`part-${name}`)!
      return { status: section.dataset.status, meta: section.querySelector('.meta')!.textContent, text: section.querySelector('.content')!.textContent }
    }
    const problem = document.getElementById('problem')!
    const limits = document.getElementById('limits')!
    return {
      summary: part('summary'),
      entities: part('entities'),
      mostCommonPhrases: part('mostCommonPhrases'),
      marks: [...document.querySelectorAll('#part-entities mark.entity')].map((m) => ({
        type: m.dataset.type,
        text: m.querySelector('.entity-text')!.textContent,
        label: m.querySelector('.entity-type')!.textContent,
      })),
      phrases: [...document.querySelectorAll('#part-mostCommonPhrases li')].map((li) => li.textContent),
      problem: problem.hidden ? undefined : { title: problem.querySelector('.title')!.textContent, code: problem.querySelector('.code')!.textContent, detail: problem.querySelector('.detail')!.textContent },
      limits: limits.hidden ? undefined : { state: document.getElementById('ratelimit')!.textContent, policy: document.getElementById('ratelimit-policy')!.textContent },
      live: document.getElementById('results')!.getAttribute('aria-live'),
    }
  })
}

withChromium(t, (browser) => {
  t.test('renders a whole analysis: the summary, the entities marked by type in the text, the phrases, each part ok with its time and cache state', async (t) => {
    const { url, upstream } = await build(t)
    const { page, troubles } = await open(t, browser(), url)
    await analyze(page, TEXT)
    t.match(await settled(page), /^Done \(200\)$/)
    const seen = await shown(page)
    t.equal(seen.live, 'polite', 'results are announced')
    t.equal(seen.summary.text, SUMMARY)
    t.same(seen.marks, [
      { type: 'PERSON', text: 'Ada Lovelace', label: 'PERSON' },
      { type: 'ORG', text: 'Acme Corp', label: 'ORG' },
      { type: 'PERSON', text: 'Ada Lovelace', label: 'PERSON' },
    ], 'every occurrence, in text order, with its type')
    t.equal(seen.entities.text, TEXT.replaceAll('Ada Lovelace', 'Ada LovelacePERSON').replace('Acme Corp', 'Acme CorpORG'), 'the whole text is shown around them')
    t.same(seen.phrases, ['analytical engine', 'first program'])
    for (const part of [seen.summary, seen.entities, seen.mostCommonPhrases]) {
      t.equal(part.status, 'ok')
      t.match(part.meta, /^ok · \d+(\.\d+)? ms · cache miss$/)
    }
    t.equal(upstream.calls.length, 3)

    // The same text again: every part from the cache, and the page says so.
    await analyze(page, TEXT)
    await page.locator('#part-summary .meta', { hasText: 'cache hit' }).waitFor(WAIT)
    t.match(await settled(page), /^Done/)
    const again = await shown(page)
    t.ok([again.summary, again.entities, again.mostCommonPhrases].every((p) => p.meta!.endsWith('cache hit')), 'each part says hit')
    t.equal(upstream.calls.length, 3, 'no new upstream call')
    t.same(troubles, [], 'no console error, CSP violation or failed request')
  })

  t.test('a part that fails shows its problem while the others render; the outcome says partial', async (t) => {
    const { url, upstream } = await build(t, { UPSTREAM_MAX_ATTEMPTS: 1 })
    upstream.script('ner', { kind: 'status', status: 500 })
    const { page, troubles } = await open(t, browser(), url)
    await analyze(page, TEXT)
    t.equal(await settled(page), 'Done (200, partial, without entities)')
    const seen = await shown(page)
    t.equal(seen.summary.status, 'ok')
    t.equal(seen.summary.text, SUMMARY)
    t.same(seen.phrases, ['analytical engine', 'first program'])
    t.equal(seen.entities.status, 'error')
    t.match(seen.entities.meta, /^error · \d+(\.\d+)? ms/)
    t.match(seen.entities.text, /^UPSTREAM_ERROR .*500/, 'its code and detail')
    t.same(seen.marks, [])
    t.equal(seen.problem, undefined, 'the request itself did not fail')
    t.same(troubles, [])
  })

  t.test('streams part by part: the summary is on the page while the entities are still being computed upstream', async (t) => {
    const { url, upstream } = await build(t)
    upstream.script('ner', { kind: 'ok', delayMs: 2000 })
    const { page, troubles } = await open(t, browser(), url)
    await analyze(page, TEXT)
    await page.locator('#part-summary[data-status="ok"]').waitFor(WAIT)
    await page.locator('#part-mostCommonPhrases[data-status="ok"]').waitFor(WAIT)
    const early = await shown(page)
    const nerAnswered = upstream.inFlight === 0
    t.equal(early.summary.text, SUMMARY, 'the summary is rendered')
    t.same(early.phrases, ['analytical engine', 'first program'], 'and the phrases')
    t.equal(early.entities.status, 'pending', 'while the entities are pending')
    t.same(early.marks, [])
    t.notOk(nerAnswered, 'and the upstream had not answered them yet')
    await settled(page)
    const late = await shown(page)
    t.equal(late.entities.status, 'ok', 'then the entities arrive')
    t.equal(late.marks.length, 3)
    t.same(troubles, [])
  })

  t.test('the page runs under its own policy: exactly the one given, enforced, and nothing it does breaks it', async (t) => {
    const { url } = await build(t)
    const { page, troubles, csp } = await open(t, browser(), url)
    // Helmet writes the directives without a space after each semicolon; the directives are the point.
    t.same(csp?.split(';').map((d) => d.trim()), CSP.split('; '))
    await analyze(page, TEXT)
    await settled(page)
    t.same(troubles, [], 'using it raised nothing')
    // Enforced, and the watch above sees it: an inline script is refused.
    const ran = await page.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'window.injected = true'
      document.head.append(script)
      return (globalThis as unknown as { injected?: boolean }).injected === true
    })
    t.equal(ran, false, 'an inline script does not run')
    // The report arrives as an event after the refusal.
    for (let i = 0; i < 100 && !troubles.some((m) => m.startsWith('violation: script-src')); i++) await page.waitForTimeout(50)
    t.ok(troubles.some((m) => m.startsWith('violation: script-src')), `the refusal was reported: ${troubles.join(' | ')}`)
  })

  t.test('with client keys on, the key typed in the page is sent; without it the 401 problem is shown; the limits are shown', async (t) => {
    const { url, upstream } = await build(t, { API_KEYS: keyEntry('web', 'sk-web-1'), RATE_LIMIT_PER_MIN: 100, QUOTA_CHARS_PER_MIN: 100_000 })
    const { page, troubles } = await open(t, browser(), url)
    await analyze(page, TEXT, '')
    t.equal(await settled(page), 'Failed (401)')
    const refused = await shown(page)
    t.match(refused.problem, { code: 'UNAUTHORIZED', detail: /client key is required/ })
    t.ok(refused.problem!.title!.length > 0, 'with its title')
    t.equal(refused.summary.status, 'not-run')
    t.equal(upstream.calls.length, 0)
    t.match(troubles, [/401/], 'only the refused call (Chromium logs a 4xx fetch)')
    t.equal(troubles.length, 1)

    await analyze(page, TEXT, 'sk-web-1')
    t.equal(await settled(page), 'Done (200)')
    const seen = await shown(page)
    t.equal(seen.problem, undefined, 'the old problem is cleared')
    t.equal(seen.summary.text, SUMMARY)
    t.match(seen.limits, {
      state: /^"requests";r=99;t=\d+, "chars";r=\d+;t=\d+$/,
      policy: '"requests";q=100;w=60, "chars";q=100000;w=60;qu="chars"',
    })
    t.equal(upstream.calls[0]!.headers['x-api-key'], undefined, 'the client key goes no further than the service')
  })
})
