// The monitoring kit (deploy/grafana, deploy/prometheus): every series, label and label value its queries name is one the service exports.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { request } from 'undici'
import type { Dispatcher } from 'undici'
import { parse, stringify } from 'yaml'
import { errorCodes } from '../src/errors.js'
import { build, listenApp } from './helpers/build.js'
import { hasRedis, startRedis } from './helpers/redis.js'

// Parsed JSON and YAML: shapes are checked field by field below, each failure naming the panel or rule.
type Obj = Record<string, any>

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const DASHBOARD = 'deploy/grafana/text-bff.json'
const RULES = 'deploy/prometheus/alerts.yaml'
const dashboardText = readFileSync(join(ROOT, DASHBOARD), 'utf8')
const rulesText = readFileSync(join(ROOT, RULES), 'utf8')

const hasPromtool = spawnSync('promtool', ['--version']).status === 0
const needsRedis = hasRedis ? false : 'redis-server is not installed: the Redis series cannot be read'

// ---------------------------------------------------------------------------------------------- the exposition

/** What /metrics exports: each name a query may select, whether a sample of it was scraped, and the labels and values its samples carry. */
type Exposition = Map<string, { sampled: boolean, labels: Map<string, Set<string>> }>

/** The names a family of each type is selected by (from `# TYPE` lines): a histogram `x` as x_bucket, x_sum and x_count. */
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] }

function readExposition (text: string, into: Exposition): void {
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line)
    if (type !== null) {
      const [, family, kind] = type as unknown as [string, string, string]
      for (const suffix of SUFFIXES[kind] ?? ['']) if (!into.has(family + suffix)) into.set(family + suffix, { sampled: false, labels: new Map() })
      continue
    }
    const sample = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? \S+/.exec(line)
    if (sample === null) continue
    const series = into.get(sample[1] as string)
    if (series === undefined) continue
    series.sampled = true
    const labels = series.labels
    for (const m of (sample[2] ?? '').matchAll(/([A-Za-z_]\w*)="((?:[^"\\]|\\.)*)"/g)) {
      const name = m[1] as string
      const values = labels.get(name) ?? new Set<string>()
      values.add((m[2] as string).replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c)))
      labels.set(name, values)
    }
  }
}

/** Added by Prometheus to every series it scrapes (the target's job and address): on no sample line. */
const TARGET_LABELS = new Set(['job', 'instance'])

/**
 * Label values a query may name that only some events produce, read from the service's own tables
 * rather than made to happen one by one: a part's or an attempt's outcome is ok or an error code, and
 * a request's status 200 or a code's status.
 */
const SERVICE_VALUES: Array<{ series: RegExp, label: string, values: Set<string> }> = [
  { series: /^text_bff_(parts_total|upstream_attempt_duration_seconds_(bucket|sum|count))$/, label: 'outcome', values: new Set(['ok', ...Object.keys(errorCodes)]) },
  { series: /^text_bff_http_request(s_total|_duration_seconds_(bucket|sum|count))$/, label: 'status', values: new Set(['200', ...Object.values(errorCodes).map((c) => String(c.status))]) },
]

// ---------------------------------------------------------------------------------------------- PromQL

/**
 * A tokenizer, not a parser: enough PromQL to find the series a query selects, the labels in its
 * selectors and in by/without/on/ignoring/group_* clauses, and the functions it calls. Strings, numbers,
 * durations, ranges ([5m], [$__rate_interval]) and Grafana variables are skipped. A by/without label is
 * looked for on the series inside its aggregation, so an inner aggregation that drops it goes unnoticed;
 * labels made by label_replace or label_join are not followed (the kit uses neither).
 */
type TokenKind = 'ident' | 'number' | 'string' | 'selector' | 'range' | 'var' | 'op' | '(' | ')' | ','
interface Token { kind: TokenKind, text: string }

const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio'])
const FUNCTIONS = new Set([
  'abs', 'absent', 'absent_over_time', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min', 'day_of_month', 'day_of_week',
  'day_of_year', 'days_in_month', 'delta', 'deriv', 'exp', 'floor', 'histogram_avg', 'histogram_count', 'histogram_fraction',
  'histogram_quantile', 'histogram_stddev', 'histogram_stdvar', 'histogram_sum', 'holt_winters', 'double_exponential_smoothing',
  'hour', 'idelta', 'increase', 'irate', 'label_join', 'label_replace', 'ln', 'log2', 'log10', 'minute', 'month',
  'predict_linear', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sort', 'sort_desc', 'sort_by_label', 'sort_by_label_desc', 'sqrt',
  'time', 'timestamp', 'vector', 'year', 'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time',
  'quantile_over_time', 'stddev_over_time', 'stdvar_over_time', 'last_over_time', 'present_over_time', 'mad_over_time',
  'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cos', 'cosh', 'sin', 'sinh', 'tan', 'tanh', 'deg', 'rad', 'pi',
])
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right'])
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan'])

function stringEnd (text: string, start: number): number {
  const quote = text[start]
  let i = start + 1
  while (i < text.length && text[i] !== quote) i += quote !== '`' && text[i] === '\\' ? 2 : 1
  if (i >= text.length) throw new Error(`unclosed string at ${start}`)
  return i + 1
}

function tokenize (expr: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < expr.length) {
    const c = expr[i] as string
    const rest = expr.slice(i)
    let m: RegExpExecArray | null
    if (/\s/.test(c)) {
      i++
    } else if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++
    } else if (c === '"' || c === '\'' || c === '`') {
      const end = stringEnd(expr, i)
      out.push({ kind: 'string', text: expr.slice(i, end) })
      i = end
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']'
      let j = i + 1
      while (j < expr.length && expr[j] !== close) j = /["'`]/.test(expr[j] as string) ? stringEnd(expr, j) : j + 1
      if (j >= expr.length) throw new Error(`unclosed ${c} at ${i}`)
      out.push({ kind: c === '{' ? 'selector' : 'range', text: expr.slice(i + 1, j) })
      i = j + 1
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ kind: c, text: c })
      i++
    } else if ((m = /^\$(?:\{[^}]*\}|\w+)/.exec(rest)) !== null) {
      out.push({ kind: 'var', text: m[0] })
      i += m[0].length
    } else if ((m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?(?:(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*)?/i.exec(rest)) !== null) {
      out.push({ kind: 'number', text: m[0] })
      i += m[0].length
    } else if ((m = /^[A-Za-z_:][\w:]*/.exec(rest)) !== null) {
      out.push({ kind: 'ident', text: m[0] })
      i += m[0].length
    } else if ((m = /^(?:==|!=|<=|>=|=~|!~|[-+*/%^<>@])/.exec(rest)) !== null) {
      out.push({ kind: 'op', text: m[0] })
      i += m[0].length
    } else {
      throw new Error(`unexpected ${JSON.stringify(c)} at ${i}`)
    }
  }
  return out
}

interface Matcher { label: string, op: string, value: string }
interface Selector { name: string, matchers: Matcher[], index: number }
/** Labels named in a clause, and the series they must be found on (`all` of them, or `any`). */
interface LabelUse { clause: string, labels: string[], series: string[], mode: 'all' | 'any' }
interface Query { selectors: Selector[], labelUses: LabelUse[], problems: string[] }

function parseMatchers (body: string, problems: string[]): Matcher[] {
  const out: Matcher[] = []
  let i = 0
  while (i < body.length) {
    const m = /^\s*([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*/.exec(body.slice(i))
    if (m === null) {
      if (body.slice(i).trim() !== '') problems.push(`cannot read the matchers {${body}}`)
      break
    }
    i += m[0].length
    if (!/["'`]/.test(body[i] ?? '')) {
      problems.push(`cannot read the matchers {${body}}`)
      break
    }
    const end = stringEnd(body, i)
    const raw = body.slice(i + 1, end - 1)
    out.push({ label: m[1] as string, op: m[2] as string, value: body[i] === '`' ? raw : raw.replace(/\\(.)/g, '$1') })
    i = end
    const comma = /^\s*,?/.exec(body.slice(i)) as RegExpExecArray
    i += comma[0].length
  }
  return out
}

function analyse (expr: string): Query {
  const problems: string[] = []
  let toks: Token[]
  try {
    toks = tokenize(expr)
  } catch (err) {
    return { selectors: [], labelUses: [], problems: [(err as Error).message] }
  }
  const partner = new Map<number, number>()
  const open: number[] = []
  toks.forEach((tok, i) => {
    if (tok.kind === '(') open.push(i)
    if (tok.kind === ')') {
      const o = open.pop()
      if (o === undefined) problems.push('unbalanced parentheses')
      else { partner.set(o, i); partner.set(i, o) }
    }
  })
  if (open.length > 0) problems.push('unbalanced parentheses')
  const isAggregation = (i: number) => toks[i]?.kind === 'ident' && AGGREGATIONS.has((toks[i] as Token).text.toLowerCase())
  const selectors: Selector[] = []
  const clauses: Array<{ clause: string, labels: string[], at: number, end: number }> = []
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i] as Token
    const next = toks[i + 1]
    if (tok.kind === 'selector') {
      // A selector without a name before it: only {__name__="…"} names a series.
      const matchers = parseMatchers(tok.text, problems)
      const name = matchers.find((m) => m.label === '__name__' && m.op === '=')
      if (name === undefined) problems.push(`{${tok.text}} selects no series by name`)
      else selectors.push({ name: name.value, matchers: matchers.filter((m) => m !== name), index: i })
      continue
    }
    if (tok.kind !== 'ident') continue
    const word = tok.text.toLowerCase()
    if (GROUPING.has(word)) {
      if (next?.kind !== '(') {
        if (!word.startsWith('group_')) problems.push(`${word} without a label list`)
        continue
      }
      const close = partner.get(i + 1) ?? toks.length
      const labels = toks.slice(i + 2, close).filter((x) => x.kind === 'ident').map((x) => x.text)
      clauses.push({ clause: word, labels, at: i, end: close })
      i = close
    } else if (KEYWORDS.has(word)) {
      if (word === 'offset' && next?.kind === 'number') i++
    } else if (isAggregation(i)) {
      // its argument and grouping are read below
    } else if (next?.kind === '(') {
      if (!FUNCTIONS.has(tok.text)) problems.push(`unknown function ${tok.text}()`)
    } else {
      const matchers = next?.kind === 'selector' ? parseMatchers(next.text, problems) : []
      selectors.push({ name: tok.text, matchers, index: i })
      if (next?.kind === 'selector') i++
    }
  }
  const labelUses: LabelUse[] = []
  for (const c of clauses) {
    if (c.clause === 'by' || c.clause === 'without') {
      // `sum by (x) (arg)` or `sum (arg) by (x)`: the series of the aggregation's argument carry x.
      let span: [number, number] | undefined
      if (isAggregation(c.at - 1) && toks[c.end + 1]?.kind === '(') span = [c.end + 1, partner.get(c.end + 1) ?? toks.length]
      const before = partner.get(c.at - 1)
      if (toks[c.at - 1]?.kind === ')' && before !== undefined && isAggregation(before - 1)) span = [before, c.at - 1]
      if (span === undefined) {
        problems.push(`${c.clause} (${c.labels.join(', ')}) belongs to no aggregation`)
        continue
      }
      const [from, to] = span
      labelUses.push({ clause: c.clause, labels: c.labels, series: selectors.filter((s) => s.index > from && s.index < to).map((s) => s.name), mode: 'all' })
    } else {
      // Vector matching: the label must be on the series of one side at least.
      labelUses.push({ clause: c.clause, labels: c.labels, series: selectors.map((s) => s.name), mode: 'any' })
    }
  }
  return { selectors, labelUses, problems }
}

/** The literal values a matcher names: the value of = and !=, each plain alternative of =~ and !~. */
function literalValues (m: Matcher): string[] {
  if (m.value.includes('$')) return [] // a Grafana variable
  if (m.op === '=' || m.op === '!=') return [m.value]
  return m.value.split('|').filter((alt) => /^[\w/:-]+$/.test(alt))
}

/** Everything in one query that the exposition does not back. */
function problemsIn (expr: string, exp: Exposition): string[] {
  const q = analyse(expr)
  const problems = [...q.problems]
  const labelsOf = (series: string) => exp.get(series)?.labels ?? new Map<string, Set<string>>()
  const hasLabel = (series: string, label: string) => TARGET_LABELS.has(label) || labelsOf(series).has(label)
  const unseen = (series: string) => exp.get(series)?.sampled === false ? ` (no sample of ${series} was scraped: make its event happen in this test)` : ''
  for (const s of q.selectors) {
    if (!exp.has(s.name)) {
      const histogram = ['_bucket', '_sum', '_count'].some((x) => exp.has(s.name + x))
      problems.push(`series ${s.name} is not exported${histogram ? ` (a histogram: select ${s.name}_bucket, _sum or _count)` : ''}`)
      continue
    }
    for (const m of s.matchers) {
      if (!hasLabel(s.name, m.label)) {
        problems.push(`${s.name} has no label ${m.label}${unseen(s.name)}`)
        continue
      }
      if (TARGET_LABELS.has(m.label)) continue
      const fromTables = SERVICE_VALUES.filter((v) => v.label === m.label && v.series.test(s.name)).flatMap((v) => [...v.values])
      const known = new Set([...(labelsOf(s.name).get(m.label) ?? []), ...fromTables])
      for (const v of literalValues(m)) if (!known.has(v)) problems.push(`${s.name}{${m.label}} never has the value "${v}" (seen: ${[...known].join(', ')})`)
    }
  }
  for (const use of q.labelUses) {
    for (const label of use.labels) {
      const on = use.series.filter((s) => exp.has(s))
      const found = use.mode === 'all' ? on.every((s) => hasLabel(s, label)) : on.length === 0 || on.some((s) => hasLabel(s, label))
      if (!found) problems.push(`${use.clause} (${label}): not a label of ${on.filter((s) => !hasLabel(s, label)).join(', ') || on.join(', ')}${on.map(unseen).join('')}`)
    }
  }
  return problems
}

/** A Grafana variable query: label_values(selector, label), label_values(label) or query_result(expr). */
function variableProblems (query: string, exp: Exposition): string[] {
  const lv = /^\s*label_values\(\s*(?:(.*),\s*)?([A-Za-z_]\w*)\s*\)\s*$/s.exec(query)
  if (lv !== null) {
    const [, selector, label] = lv as unknown as [string, string | undefined, string]
    if (selector === undefined) return TARGET_LABELS.has(label) || [...exp.values()].some((s) => s.labels.has(label)) ? [] : [`no series has the label ${label}`]
    const q = analyse(selector)
    const problems = problemsIn(selector, exp)
    for (const s of q.selectors) if (exp.has(s.name) && !TARGET_LABELS.has(label) && !exp.get(s.name)?.labels.has(label)) problems.push(`${s.name} has no label ${label}`)
    return problems
  }
  const qr = /^\s*query_result\((.*)\)\s*$/s.exec(query)
  if (qr !== null) return problemsIn(qr[1] as string, exp)
  return [`a variable query this test cannot read: ${query}`]
}

// ---------------------------------------------------------------------------------------------- the files

function panelsOf (list: Obj[]): Obj[] {
  return list.flatMap((p) => [p, ...panelsOf(Array.isArray(p.panels) ? p.panels : [])])
}

let dashboard: Obj = {}
let dashboardError: unknown
try { dashboard = JSON.parse(dashboardText) as Obj } catch (err) { dashboardError = err }
const panels = panelsOf(Array.isArray(dashboard.panels) ? dashboard.panels : [])
const queryPanels = panels.filter((p) => p.type !== 'row')
const variables: Obj[] = dashboard.templating?.list ?? []
const variableQuery = (v: Obj): string => typeof v.query === 'string' ? v.query : String(v.query?.query ?? '')

const rulesDoc = parse(rulesText) as Obj
const rules: Array<{ group: string, rule: Obj }> = (rulesDoc?.groups ?? []).flatMap((g: Obj) => (g.rules ?? []).map((rule: Obj) => ({ group: g.name, rule })))
const alerts = rules.filter((r) => typeof r.rule.alert === 'string')

/** Every PromQL expression in the kit, with where it is. */
const queries: Array<{ where: string, expr: string }> = [
  ...queryPanels.flatMap((p) => (p.targets ?? []).map((target: Obj) => ({ where: `${DASHBOARD}: panel ${p.id} "${p.title}" target ${target.refId}`, expr: String(target.expr ?? '') }))),
  ...rules.map(({ group, rule }) => ({ where: `${RULES}: ${group} / ${rule.alert ?? rule.record}`, expr: String(rule.expr ?? '') })),
]

// ---------------------------------------------------------------------------------------------- scraping

async function scrape (url: string, client: Dispatcher): Promise<string> {
  const res = await request(`${url}/metrics`, { dispatcher: client })
  return await res.body.text()
}

async function until (what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const exposition: Exposition = new Map()
let n = 0
const fresh = (): string => `Monitoring text ${++n}. It has two sentences.`

t.test('the service exports the series of Redis, the shared limiter, circuits, retries, sheds, the cache and the engine once their events happen', { skip: needsRedis }, async (t) => {
  // With Redis, so its series and the shared limiter's exist. Two permits and a queue of three, so a
  // request can be shed (not one: with Redis each call waits in the queue for Redis's answer even when a
  // permit is free); ratio 0 and two attempts, so the budget refuses retries; ten calls open a circuit;
  // a one-second TTL, so a stale result can be served.
  const redis = await startRedis(t)
  const built = await build(t, {
    REDIS_URL: redis.url,
    REDIS_COMMAND_TIMEOUT_MS: 500,
    CACHE_TTL_S: 1,
    BREAKER_MIN_CALLS: 10,
    UPSTREAM_MAX_ATTEMPTS: 2,
    UPSTREAM_RETRY_BUDGET_RATIO: 0,
    UPSTREAM_CONCURRENCY: 2,
    UPSTREAM_QUEUE_LIMIT: 3,
  })
  await until('Redis is connected', () => built.app.redis?.up === true)
  const { analyze, upstream } = built
  const parts = (res: { body: any }, part: string) => res.body.parts?.[part]?.cache as string | undefined

  // The cache's statuses, one part per request so the two permits never queue: miss and collapsed
  // (the same text twice at once), hit, bypass, then stale once the result has expired and the upstream fails.
  const text = fresh()
  upstream.script('*', { kind: 'ok', delayMs: 100 })
  const pair = await Promise.all([analyze({ text, parts: ['summary'] }), analyze({ text, parts: ['summary'] })])
  t.same(pair.map((r) => parts(r, 'summary')).sort(), ['collapsed', 'miss'], 'a miss, and a request that joined its call')
  t.equal(parts(await analyze({ text, parts: ['summary'] }), 'summary'), 'hit')
  t.equal(parts(await analyze({ text, parts: ['summary'] }, { 'cache-control': 'no-store' }), 'summary'), 'bypass')
  await new Promise((resolve) => setTimeout(resolve, 1100))
  upstream.script('summarize', { kind: 'status', status: 500 })
  t.equal(parts(await analyze({ text, parts: ['summary'] }), 'summary'), 'stale')

  // Retries, budget refusals and a circuit opening: 502s are retried (and are no overload signal, so the
  // adaptive ceiling stays at two); three retries fit the budget, the next four are refused, ten failed calls open it.
  upstream.script('*', { kind: 'ok' })
  upstream.script('ner', { kind: 'status', status: 502 })
  for (let i = 0; i < 7; i++) await analyze({ text: fresh(), parts: ['entities'] })

  // A shed: two slow calls hold both permits, two more wait, and the next request's two would overflow the queue.
  upstream.script('*', { kind: 'ok', delayMs: 300 })
  const twoParts = () => analyze({ text: fresh(), parts: ['summary', 'mostCommonPhrases'] })
  const running = twoParts()
  await until('both permits are held', () => upstream.inFlight >= 2)
  const waiting = twoParts()
  await until('two calls wait for a permit', () => built.app.analyzer.limiter.stats().waiting >= 2)
  t.equal((await twoParts()).body.code, 'OVERLOADED', 'a request is shed')
  await Promise.all([running, waiting])

  await scrape(built.url, built.client) // so that route="/metrics" is counted in the next one
  readExposition(await scrape(built.url, built.client), exposition)

  // The embedded engine's series: an app with no TEXT_API_URL starts the engine.
  const embedded = await listenApp(t, { MAX_EVENT_LOOP_DELAY_MS: 0 })
  readExposition(await scrape(embedded.url, embedded.client), exposition)

  for (const name of ['text_bff_redis_up', 'text_bff_upstream_limiter_fallback', 'text_bff_upstream_adaptive_limit', 'text_bff_engine_restarts_total', 'text_bff_shed_total']) {
    t.ok(exposition.has(name), `${name} is exported`)
  }
  for (const [name, label] of [['text_bff_shed_total', 'reason'], ['text_bff_circuit_transitions_total', 'to'], ['text_bff_upstream_retry_budget_refusals_total', 'part']]) {
    t.ok(exposition.get(name as string)?.labels.has(label as string), `${name} has a sample with its ${label}`)
  }
})

t.test('the dashboard is an importable Grafana model: unique panel ids, a templated datasource, job and instance variables, a unit on every panel', async (t) => {
  t.equal(dashboardError, undefined, `${DASHBOARD} is valid JSON`)
  t.type(dashboard.title, 'string')
  t.type(dashboard.uid, 'string')
  t.type(dashboard.schemaVersion, 'number')
  const ids = panels.map((p) => p.id)
  t.ok(ids.every((id) => Number.isInteger(id)), 'every panel has an integer id')
  t.same(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'panel ids are unique')
  t.ok(panels.filter((p) => p.type === 'row').length >= 6, 'rows: traffic, parts and upstream, capacity, cache, Redis, process')

  const ds = variables.find((v) => v.type === 'datasource')
  t.equal(ds?.query, 'prometheus', 'a datasource variable of type prometheus')
  const dsRef = `\${${ds?.name}}`
  for (const name of ['job', 'instance']) {
    const v = variables.find((x) => x.name === name)
    t.equal(v?.type, 'query', `a ${name} variable`)
    t.match(variableQuery(v ?? {}), /^label_values\(/, `the ${name} variable lists the label's values`)
  }

  // Panels must not overlap on the 24-column grid.
  const topLevel: Obj[] = dashboard.panels ?? []
  const cells = new Set<string>()
  let area = 0
  for (const p of topLevel) {
    const { x, y, w, h } = p.gridPos ?? {}
    t.ok([x, y, w, h].every(Number.isInteger) && x + w <= 24, `panel ${p.id} "${p.title}" has a gridPos within 24 columns`)
    for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) cells.add(`${i},${j}`)
    area += w * h
  }
  t.equal(cells.size, area, 'no two panels overlap')

  for (const p of queryPanels) {
    const where = `panel ${p.id} "${p.title}"`
    t.ok(typeof p.title === 'string' && p.title !== '', `${where} has a title`)
    t.ok(typeof p.fieldConfig?.defaults?.unit === 'string' && p.fieldConfig.defaults.unit !== '', `${where} sets a unit`)
    t.equal(p.datasource?.uid, dsRef, `${where} reads the templated datasource`)
    t.ok(Array.isArray(p.targets) && p.targets.length > 0, `${where} has queries`)
    for (const target of p.targets ?? []) {
      t.equal(target.datasource?.uid ?? dsRef, dsRef, `${where} target ${target.refId} reads the templated datasource`)
      t.ok(typeof target.expr === 'string' && target.expr.trim() !== '', `${where} target ${target.refId} has an expr`)
      // One dashboard, many replicas: every selector is narrowed to the chosen job and instances.
      for (const s of analyse(String(target.expr)).selectors) {
        for (const label of ['job', 'instance']) {
          t.ok(s.matchers.some((m) => m.label === label && m.value.includes(`$${label}`)), `${where} target ${target.refId}: ${s.name} is filtered by $${label}`)
        }
      }
    }
  }
})

t.test('every series, label and label value the dashboard queries is one the service exports', { skip: needsRedis }, async (t) => {
  for (const q of queries.filter((x) => x.where.startsWith(DASHBOARD))) t.same(problemsIn(q.expr, exposition), [], q.where)
  for (const v of variables.filter((x) => x.type === 'query')) {
    t.same(variableProblems(variableQuery(v), exposition), [], `${DASHBOARD}: variable ${v.name}`)
  }
})

t.test('every alert has for, a severity, a summary, a description and a runbook hint', async (t) => {
  t.ok(Array.isArray(rulesDoc?.groups) && rulesDoc.groups.length > 0, `${RULES} has groups`)
  t.ok(alerts.length >= 8, 'the alerts the issue asks for are there')
  const names = alerts.map((a) => a.rule.alert as string)
  t.same(names.filter((name, i) => names.indexOf(name) !== i), [], 'alert names are unique')
  for (const { group, rule } of alerts) {
    const where = `${RULES}: ${group} / ${rule.alert}`
    t.match(String(rule.for ?? ''), /^(\d+(ms|[smhdwy]))+$/, `${where}: for is a duration`)
    t.ok(['critical', 'warning'].includes(rule.labels?.severity), `${where}: labels.severity is critical or warning`)
    for (const key of ['summary', 'description', 'runbook']) {
      t.ok(typeof rule.annotations?.[key] === 'string' && rule.annotations[key].trim() !== '', `${where}: annotations.${key}`)
    }
    t.ok(typeof rule.expr === 'string' && rule.expr.trim() !== '', `${where}: expr`)
  }
  for (const name of ['TextBffHighErrorRatio', 'TextBffAnalyzeLatencyHigh', 'TextBffCircuitOpen', 'TextBffShedding', 'TextBffRedisDown',
    'TextBffLimiterFallback', 'TextBffLeasesLost', 'TextBffEngineRestarting']) {
    t.ok(names.includes(name), `alert ${name}`)
  }
})

t.test('every series, label and label value the alert rules query is one the service exports', { skip: needsRedis }, async (t) => {
  for (const q of queries.filter((x) => x.where.startsWith(RULES))) t.same(problemsIn(q.expr, exposition), [], q.where)
})

t.test('the check finds a series, a label, a value or a function that does not exist', { skip: needsRedis }, async (t) => {
  const bad = [
    'rate(text_bff_no_such_total[5m])',
    'text_bff_http_request_duration_seconds',
    'sum by (rout) (rate(text_bff_http_requests_total[5m]))',
    'sum(rate(text_bff_http_requests_total[5m])) by (part)',
    'text_bff_http_requests_total{rout="/analyze"}',
    'text_bff_http_requests_total{route="/analyse"}',
    'text_bff_parts_total{outcome=~"ok|UPSTREAM_TIMEOUTS"}',
    'text_bff_cache_parts_total{status!="bypas"}',
    'text_bff_cache_parts_total{status="200"}',
    'histogram_quantil(0.99, sum by (le) (rate(text_bff_http_request_duration_seconds_bucket[5m])))',
    'sum by (le) (rate(text_bff_http_request_duration_seconds_count[5m]))',
    'text_bff_redis_up unless on (part) text_bff_upstream_limiter_fallback',
  ]
  for (const expr of bad) t.not(problemsIn(expr, exposition).length, 0, `flags ${expr}`)
  t.not(variableProblems('label_values(text_bff_circuit_state, endpoint)', exposition).length, 0, 'flags a variable listing a label the series lacks')
  const good = [
    'histogram_quantile(0.99, sum by (job, le) (rate(text_bff_http_request_duration_seconds_bucket{route="/analyze", status!="499"}[$__rate_interval])))',
    'sum without (instance) (text_bff_parts_total{outcome="DEADLINE_EXCEEDED", job=~"$job"} offset 5m)',
    'text_bff_redis_up unless on (job, instance) text_bff_upstream_limiter_fallback',
    '{__name__="text_bff_circuit_state", part="entities"} == bool 2',
  ]
  for (const expr of good) t.same(problemsIn(expr, exposition), [], `passes ${expr}`)
})

t.test('promtool accepts the rules, and each alert fires on the trouble it names and stays quiet otherwise', { skip: hasPromtool ? false : 'promtool is not installed (Debian: apt-get install prometheus)' }, async (t) => {
  const check = spawnSync('promtool', ['check', 'rules', join(ROOT, RULES)], { encoding: 'utf8' })
  t.equal(check.status, 0, `promtool check rules ${RULES}\n${check.stdout}${check.stderr}`)

  // promtool compares rendered annotations too; they are checked above, so the copy it runs leaves them out.
  const bare = { groups: rulesDoc.groups.map((g: Obj) => ({ ...g, rules: g.rules.map((r: Obj) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'annotations'))) })) }
  const series = (name: string, labels: Record<string, string>, values: string) =>
    ({ series: `${name}{${Object.entries({ job: 'text-bff', ...labels }).map(([k, v]) => `${k}="${v}"`).join(',')}}`, values })
  /** A counter growing by `perSecond`, one sample a minute for 30 minutes, in promtool's notation. */
  const rate = (perSecond: number) => `0+${perSecond * 60}x30`
  const steps = (...values: Array<number | string>) => values.join(' ')
  const fires = (severity: string, labels: Record<string, string>) => ({ exp_labels: { severity, job: 'text-bff', ...labels } })
  const requests = 'text_bff_http_requests_total'
  const bucket = 'text_bff_http_request_duration_seconds_bucket'
  const histogram = (job: string, status: string, le: Record<string, number>) => [
    ...Object.entries(le).map(([bound, perSecond]) => series(bucket, { job, route: '/analyze', status, le: bound }, rate(perSecond))),
    series('text_bff_http_request_duration_seconds_count', { job, route: '/analyze', status }, rate(le['+Inf'] as number)),
  ]
  const tests = [
    {
      interval: '1m',
      input_series: [
        // 10 % 5xx: fires. 2.9 % with the probes' 503s (a drain) left out: quiet. 50 % of 0.1 requests/s: too few to page.
        series(requests, { job: 'bad', route: '/analyze', status: '200' }, rate(9)),
        series(requests, { job: 'bad', route: '/analyze', status: '502' }, rate(1)),
        series(requests, { job: 'good', route: '/analyze', status: '200' }, rate(10)),
        series(requests, { job: 'good', route: '/analyze', status: '502' }, rate(0.3)),
        series(requests, { job: 'good', route: '/health/ready', status: '503' }, rate(1)),
        series(requests, { job: 'quiet', route: '/analyze', status: '200' }, rate(0.05)),
        series(requests, { job: 'quiet', route: '/analyze', status: '503' }, rate(0.05)),
        // 3 % of /analyze above 5 s: fires. Slow 499s (clients that left) do not count.
        ...histogram('bad', '200', { 2.5: 0.95, 5: 0.97, 10: 1, '+Inf': 1 }),
        ...histogram('good', '200', { 2.5: 1, 5: 1, 10: 1, '+Inf': 1 }),
        ...histogram('good', '499', { 2.5: 0, 5: 0, 10: 1, '+Inf': 1 }),
        // 20 % of entities time out: fires; clients leaving half the summaries: quiet.
        series('text_bff_parts_total', { part: 'entities', outcome: 'ok' }, rate(0.8)),
        series('text_bff_parts_total', { part: 'entities', outcome: 'UPSTREAM_TIMEOUT' }, rate(0.2)),
        series('text_bff_parts_total', { part: 'summary', outcome: 'ok' }, rate(1)),
        series('text_bff_parts_total', { part: 'summary', outcome: 'CLIENT_CLOSED' }, rate(1)),
        series('text_bff_shed_total', { reason: 'queue-full' }, rate(2)),
        series('text_bff_shed_total', { reason: 'wait' }, rate(0.5)),
        // a: Redis down for good (and its errors with it); b: a one-minute blip; c: connected but slow.
        series('text_bff_redis_up', { instance: 'a' }, steps(1, 1, '0x28')),
        series('text_bff_redis_up', { instance: 'b' }, steps(1, 0, '1x28')),
        series('text_bff_redis_up', { instance: 'c' }, '1x30'),
        series('text_bff_redis_errors_total', { instance: 'a' }, rate(2)),
        series('text_bff_redis_errors_total', { instance: 'b' }, rate(0.1)),
        series('text_bff_redis_errors_total', { instance: 'c' }, rate(2)),
        series('text_bff_upstream_limiter_fallback', { instance: 'a' }, steps(0, 0, '1x28')),
        series('text_bff_upstream_limiter_fallback', { instance: 'b' }, steps(0, 1, '0x28')),
        // a loses a lease at minute 3; b restarts (its counter goes back to 0).
        series('text_bff_upstream_leases_lost_total', { instance: 'a' }, steps(0, 0, 0, '1x27')),
        series('text_bff_upstream_leases_lost_total', { instance: 'b' }, steps(5, 5, 5, '0x27')),
        series('text_bff_engine_restarts_total', { instance: 'a' }, steps(0, 0, 0, '1x27')),
        series('text_bff_engine_restarts_total', { instance: 'b' }, steps(2, 2, 2, '0x27')),
      ],
      alert_rule_test: [
        { eval_time: '20m', alertname: 'TextBffHighErrorRatio', exp_alerts: [fires('critical', { job: 'bad' })] },
        { eval_time: '20m', alertname: 'TextBffAnalyzeLatencyHigh', exp_alerts: [fires('warning', { job: 'bad' })] },
        { eval_time: '20m', alertname: 'TextBffPartsFailing', exp_alerts: [fires('warning', { part: 'entities' })] },
        { eval_time: '20m', alertname: 'TextBffShedding', exp_alerts: [fires('warning', { reason: 'queue-full' })] },
        { eval_time: '20m', alertname: 'TextBffRedisDown', exp_alerts: [fires('warning', { instance: 'a' })] },
        { eval_time: '20m', alertname: 'TextBffRedisErrors', exp_alerts: [fires('warning', { instance: 'c' })] },
        { eval_time: '20m', alertname: 'TextBffLimiterFallback', exp_alerts: [fires('warning', { instance: 'a' })] },
        { eval_time: '10m', alertname: 'TextBffLeasesLost', exp_alerts: [fires('warning', { instance: 'a' })] },
        { eval_time: '25m', alertname: 'TextBffLeasesLost', exp_alerts: [] },
        { eval_time: '10m', alertname: 'TextBffEngineRestarting', exp_alerts: [fires('warning', { instance: 'a' })] },
      ],
    },
    {
      // The breaker probes every 5 s: open, open, open, half-open, … stays an open circuit; two minutes open then closed does not.
      interval: '15s',
      input_series: [
        series('text_bff_circuit_state', { instance: 'a', part: 'entities' }, Array.from({ length: 40 }, (_, i) => (i % 4 === 3 ? 1 : 2)).join(' ')),
        series('text_bff_circuit_state', { instance: 'a', part: 'summary' }, steps('2x7', '0x32')),
      ],
      alert_rule_test: [
        { eval_time: '6m', alertname: 'TextBffCircuitOpen', exp_alerts: [fires('warning', { instance: 'a', part: 'entities' })] },
      ],
    },
  ]
  const tested = new Set(tests.flatMap((x) => x.alert_rule_test.filter((c) => c.exp_alerts.length > 0).map((c) => c.alertname)))
  t.same(alerts.map((a) => a.rule.alert).filter((name) => !tested.has(name)), [], 'every alert has a case where it fires')

  const dir = mkdtempSync(join(tmpdir(), 'text-bff-rules-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'rules.yaml'), stringify(bare))
  writeFileSync(join(dir, 'tests.yaml'), stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }))
  const run = spawnSync('promtool', ['test', 'rules', 'tests.yaml'], { cwd: dir, encoding: 'utf8' })
  t.equal(run.status, 0, `promtool test rules\n${run.stdout}${run.stderr}`)
})
