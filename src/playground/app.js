// The playground's script: posts the text to /analyze as NDJSON and renders each part as its line arrives.
// Everything from the service goes into the page through textContent, never as markup.
'use strict'

const PARTS = ['summary', 'entities', 'mostCommonPhrases']
const byId = (id) => document.getElementById(id)
let running

byId('form').addEventListener('submit', (event) => {
  event.preventDefault()
  void analyze(byId('text').value, byId('key').value.trim())
})

async function analyze (text, key) {
  // A new click replaces the analysis in progress; its stream is cancelled.
  running?.abort()
  const controller = running = new AbortController()
  reset()
  const headers = { 'content-type': 'application/json', accept: 'application/x-ndjson' }
  if (key !== '') headers['x-api-key'] = key
  try {
    const res = await fetch('/analyze', { method: 'POST', headers, body: JSON.stringify({ text }), signal: controller.signal })
    showLimits(res.headers)
    // Anything but 200 is a problem document: the request failed before any part ran.
    if (!res.ok) return fail(await readProblem(res))
    for await (const line of lines(res.body)) {
      if (line.part !== undefined) showPart(line, text.normalize('NFC'))
      else if (line.done === true) showOutcome(line)
    }
  } catch (err) {
    if (!controller.signal.aborted) fail({ title: 'The request did not complete', detail: String(err) })
  } finally {
    if (running === controller) busy(false)
  }
}

function reset () {
  busy(true)
  byId('outcome').textContent = 'Analysing…'
  byId('problem').hidden = true
  byId('limits').hidden = true
  for (const part of PARTS) {
    const section = byId(`part-${part}`)
    section.dataset.status = 'pending'
    section.querySelector('.meta').textContent = 'pending'
    section.querySelector('.content').replaceChildren()
  }
}

function busy (on) {
  byId('results').setAttribute('aria-busy', String(on))
  byId('analyze').disabled = on
}

/** Splits a byte stream into parsed JSON lines, each yielded as soon as its newline arrives. */
async function * lines (body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader()
  let rest = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    rest += value
    let nl
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl)
      rest = rest.slice(nl + 1)
      if (line.trim() !== '') yield JSON.parse(line)
    }
  }
}

async function readProblem (res) {
  const type = res.headers.get('content-type') ?? ''
  if (type.includes('json')) return { status: res.status, ...(await res.json()) }
  return { status: res.status, title: res.statusText || `HTTP ${res.status}`, detail: await res.text() }
}

function fail (problem) {
  byId('outcome').textContent = `Failed${problem.status === undefined ? '' : ` (${problem.status})`}`
  const box = byId('problem')
  box.querySelector('.title').textContent = problem.title ?? 'The analysis failed'
  box.querySelector('.code').textContent = problem.code ?? ''
  box.querySelector('.detail').textContent = problem.detail ?? ''
  box.hidden = false
  for (const part of PARTS) {
    const section = byId(`part-${part}`)
    if (section.dataset.status !== 'pending') continue
    section.dataset.status = 'not-run'
    section.querySelector('.meta').textContent = 'not run'
  }
}

function showLimits (headers) {
  const state = headers.get('ratelimit')
  const policy = headers.get('ratelimit-policy')
  if (state === null && policy === null) return
  byId('ratelimit').textContent = state ?? ''
  byId('ratelimit-policy').textContent = policy ?? ''
  byId('limits').hidden = false
}

/** One part's line: its status, time and cache state, then its data, or its problem. */
function showPart (line, text) {
  const section = byId(`part-${line.part}`)
  if (section === null) return
  section.dataset.status = line.status
  const meta = [line.status, `${line.durationMs} ms`]
  if (line.cache !== undefined) meta.push(`cache ${line.cache}`)
  section.querySelector('.meta').textContent = meta.join(' · ')
  const content = section.querySelector('.content')
  if (line.status !== 'ok') return content.replaceChildren(problemNode(line))
  if (line.part === 'summary') content.textContent = line.data
  else if (line.part === 'entities') content.replaceChildren(...highlight(text, line.data))
  else content.replaceChildren(...line.data.map((phrase) => el('li', {}, phrase)))
}

function showOutcome (line) {
  if (line.status !== 200) return fail({ status: line.status, title: 'The analysis failed', code: line.code, detail: line.detail })
  const failed = line.failed === undefined ? '' : `, without ${line.failed.join(', ')}`
  byId('outcome').textContent = `Done (${line.status}${line.partial ? ', partial' : ''}${failed})`
}

function problemNode (line) {
  const box = el('div', { className: 'problem' })
  box.append(el('code', { className: 'code' }, line.code), ' ', el('span', { className: 'detail' }, line.detail))
  return box
}

/**
 * The text as nodes, each entity's occurrences marked with its type. Entities come without offsets,
 * so each is looked for as a whole word; longer ones first, so "Acme Corp" wins over "Acme".
 */
function highlight (text, entities) {
  const taken = new Uint8Array(text.length)
  const marks = []
  for (const entity of [...entities].sort((a, b) => b.text.length - a.text.length)) {
    if (entity.text === '') continue
    for (let at = text.indexOf(entity.text); at >= 0; at = text.indexOf(entity.text, at + 1)) {
      const end = at + entity.text.length
      if (taken.subarray(at, end).some(Boolean) || !wordEdge(text, at - 1) || !wordEdge(text, end)) continue
      taken.fill(1, at, end)
      marks.push({ at, end, type: entity.type })
    }
  }
  marks.sort((a, b) => a.at - b.at)
  const nodes = []
  let from = 0
  for (const { at, end, type } of marks) {
    if (at > from) nodes.push(text.slice(from, at))
    const mark = el('mark', { className: 'entity' }, el('span', { className: 'entity-text' }, text.slice(at, end)), el('span', { className: 'entity-type' }, type))
    mark.dataset.type = type
    nodes.push(mark)
    from = end
  }
  if (from < text.length) nodes.push(text.slice(from))
  return nodes
}

function wordEdge (text, i) {
  return i < 0 || i >= text.length || !/[\p{L}\p{N}]/u.test(text[i])
}

function el (tag, props, ...children) {
  const node = Object.assign(document.createElement(tag), props)
  node.append(...children)
  return node
}
