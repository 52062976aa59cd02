// Named entities from capitalised runs: gazetteers, head words, titles, context cues and earlier mentions decide the label.
import {
  CITY_POPULATION, FIRST, GAZETTEER, GAZETTEER_MAX_TOKENS, HEADS, LANGUAGE_NAMES, NOT_NAMES, SURNAMES, TITLE_WORDS,
  isCommonWord
} from './lexicon/index.js'
import type { Match } from './numeric.js'
import type { Tokens } from './tokens.js'
import { joined } from './tokens.js'

const words = (s: string): ReadonlySet<string> => new Set(s.split('|'))

const MONTHS_DAYS = words('January|February|March|April|May|June|July|August|September|October|November|December|' +
  'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec')
// Lower-case particles inside a person's name: "Leonardo da Vinci", "Ursula von der Leyen".
const PARTICLES = words('da|de|del|della|der|den|di|dos|das|du|la|le|van|von|bin|ibn|al|el|ter|ten|y|zu')
// Lower-case words before a name that make it a person: "chief executive Maria Gonzalez", "poet Lord Byron".
const ROLE_WORDS = words('executive|president|minister|premier|chancellor|senator|governor|mayor|director|founder|' +
  'co-founder|cofounder|chairman|chairwoman|chair|analyst|economist|spokesperson|spokesman|spokeswoman|secretary|' +
  'professor|author|writer|poet|novelist|actor|actress|singer|player|coach|striker|captain|investor|billionaire|' +
  'entrepreneur|engineer|scientist|physicist|chemist|mathematician|historian|king|queen|emperor|general|judge|lawyer|' +
  'attorney|officer|reporter|correspondent|editor|ceo|boss|head|leader|candidate|rival|colleague|husband|wife|son|' +
  'daughter|brother|sister|father|mother|uncle|aunt|cousin|nephew|niece|widow|partner|friend|composer|painter|artist|' +
  'architect|designer|philosopher|inventor|pioneer|astronaut|pilot|explorer|prince|princess|duke|lord|lady|sir|' +
  'dr|mr|mrs|ms|adviser|advisor|aide|deputy|lawmaker|legislator|diplomat|ambassador|envoy|commissioner|inspector|' +
  'detective|sergeant|cfo|cto|coo|chief|researcher|student|teacher|doctor|surgeon|nurse|farmer|owner|manager|trader|' +
  'banker|consultant|critic|journalist|photographer|filmmaker|director|producer|broadcaster|presenter|host|chef|' +
  'athlete|cricketer|footballer|batsman|bowler|goalkeeper|driver|cyclist|runner|champion|star|mp|priest|bishop|pope|' +
  'saint|monk|rabbi|imam|sultan|tsar|czar|shah|vizier|regent|heir|successor|predecessor|opponent|ally|admiral|colonel')
// Nouns before or after a name that make it an organisation: "e-commerce firm Udaan", "Udaan, a start-up".
const ORG_NOUNS = words('company|companies|firm|firms|startup|start-up|startups|business|group|giant|maker|carmaker|' +
  'automaker|chipmaker|retailer|platform|app|marketplace|lender|bank|insurer|broker|brokerage|fund|investor|backer|' +
  'conglomerate|unicorn|brand|chain|operator|airline|carrier|publisher|broadcaster|network|developer|manufacturer|' +
  'producer|supplier|agency|consultancy|consultants|outlet|newspaper|channel|studio|label|provider|service|rival|' +
  'rivals|competitor|competitors|subsidiary|parent|owner|acquirer|startup|venture|utility|exchange|regulator|watchdog|' +
  'charity|nonprofit|non-profit|organisation|organization|university|institute|club|team|side|party|union|' +
  'distributor|distributer|aggregator|e-tailer|portal|website|site|tabloid|magazine|daily|paper|wire|firm’s|peers')
const ORG_OWNED = words('shares|stock|stocks|share|revenue|revenues|profit|profits|sales|earnings|valuation|' +
  'headquarters|employees|staff|workers|board|shareholders|investors|customers|users|app|platform|website|ceo|' +
  'cfo|founders|founder|co-founder|spokesperson|spokesman|spokeswoman|subsidiary|unit|division|market|brand|' +
  'stores|factory|factories|plant|plants|products|services|software|chips|cars|vehicles|rockets|fleet|drivers|riders|' +
  'listing|ipo|results|quarterly|annual|executives|management|chairman|chief')
const SPEECH = words('said|says|told|added|wrote|argued|recalled|explained|noted|believes|thinks|insisted|warned|' +
  'claimed|replied|admitted|announced|tweeted|posted|stated|remarked|asked|answered|declared|testified|joked|' +
  'conceded|acknowledged|observed|suggested|predicted|urged|described|recounted|married|died|was|is|had|has|grew|' +
  'became|joined|founded|studied|moved|returned|met|won|lost|left|resigned|smiled|laughed|spoke')
const PLACE_BEFORE = words('in|near|outside|across|throughout|around|to|from|via|towards|toward|into|between|' +
  'within|inside|at')
const PERSON_BEFORE = words('by|with|and|for|against|told|thanked|met|married|meet|beat|defeated|succeeded|replaced|' +
  'appointed|named|elected|nominated|hired|fired|interviewed|according')
const LANGUAGE_BEFORE = words('in|into|speak|speaks|spoke|spoken|speaking|learn|learned|learnt|learning|fluent|' +
  'translated|translate|translation|teach|taught|write|wrote|written|native')
const BASED = words('based|headquartered|born|bred|listed|registered|owned|made|built')
// Determiners and the like that start a run only because they start a sentence.
const LEADING = words('The|A|An|This|That|These|Those|Its|His|Her|Their|Our|My|Your|In|On|At|For|From|By|With|As|' +
  'But|And|Or|If|When|While|After|Before|Since|Under|Over|During|Despite|Although|Though|Because|Unlike|Like|' +
  'According|Meanwhile|However|Still|Yet|Also|Then|Now|Today|Yesterday|Here|There|Some|Many|Most|All|Both|Each|' +
  'Every|Several|Few|Other|Another|Such|No|Not|So|To|Of|Why|How|What|Which|Who|Where|It|He|She|They|We|I|You|' +
  'Former|Even|Only|Just|Already|Once|Twice|Among|Amid|Against|Across|Through')
// A run of only these is no name: "State", "Government", "Court".
const GENERIC = words('State|States|Government|Court|Party|Group|Company|University|City|Council|Ministry|Department|' +
  'Office|Board|Committee|Commission|Agency|Service|Services|Bank|Minister|President|Premier|Chief|Executive|' +
  'Director|Chairman|Secretary|General|Senator|Mayor|Governor|Internet|Web|Net|God|Lord|Parliament|Senate|Act|Bill|' +
  'Constitution|Treaty|Prize|Award|Street|Road|Avenue|Square|River|Lake|Sea|Ocean|Island|Mountain|North|South|East|' +
  'West|Northern|Southern|Eastern|Western|Central|Photo|Photograph|Image|Picture|Caption|Credit|Source|Update|Updated|' +
  'Editor|Note|Read|More|Related|Share|Subscribe|Sign|Click|Watch|Listen|Advertisement|Sponsored|Contents|Chapter|' +
  'Section|Figure|Table|Appendix|Introduction|Conclusion|Summary|Abstract|Background|Methods|Results|Discussion|' +
  'Verdict|Pros|Cons|Price|Rating|Specs|Design|Performance|Battery|Display|Camera|Software|Sound|Value|Q|A|OK|Ok|' +
  'Yes|No|Mr|Mrs|Ms|Dr|Sir|Madam|Professor|Captain|Doctor|Uncle|Aunt|Mom|Mum|Dad|Father|Mother|Grandma|Grandpa')

export type NameLabel = 'PERSON' | 'NORP' | 'FAC' | 'ORG' | 'GPE' | 'LOC' | 'PRODUCT' | 'EVENT' | 'LAW' | 'LANGUAGE' | 'WORK_OF_ART'

interface Piece {
  first: number
  /** exclusive */
  end: number
  label: NameLabel | undefined
  /** a weak label is a guess that another mention of the same name may overrule */
  weak: boolean
}

/** The name entities of a text, as token matches; `taken` marks tokens the numeric rules already hold. */
export function nameEntities (t: Tokens, taken: Uint8Array, checkpoint: () => void): Match[] {
  const headline = headlineTokens(t)
  const midCaps = capitalisedMidSentence(t, headline)
  const pieces: Piece[] = []
  for (let i = 0; i < t.length;) {
    if ((i & 255) === 0) checkpoint()
    if (taken[i] === 1 || !startsName(t, i)) { i++; continue }
    const gazetteered = gazetteerAt(t, i)
    const end = runEnd(t, i, taken)
    if (gazetteered !== undefined && gazetteered.end >= end) {
      pieces.push(gazetteered)
      i = gazetteered.end
      continue
    }
    if (end <= i) { i++; continue }
    for (const p of splitRun(t, i, end, headline, midCaps)) {
      classify(t, p)
      pieces.push(p)
    }
    i = end
  }
  checkpoint()
  resolveMentions(t, pieces, checkpoint)
  const out: Match[] = []
  for (const p of pieces) if (p.label !== undefined) out.push({ label: p.label, first: p.first, end: p.end })
  return out
}

function isCapitalised (t: Tokens, i: number): boolean {
  const w = t.words[i] ?? ''
  if (t.types[i] !== 'word' && t.types[i] !== 'shortForm') return false
  if (/^\p{Lu}/u.test(w)) return true
  // "iPhone", "eBay", "xAI"
  return /^\p{Ll}{1,2}\p{Lu}/u.test(w)
}

function startsName (t: Tokens, i: number): boolean {
  if (!isCapitalised(t, i)) return /^\d+\p{Lu}/u.test(t.words[i] ?? '') && GAZETTEER.has(t.words[i] ?? '')
  const w = t.words[i] ?? ''
  return !MONTHS_DAYS.has(w) || GAZETTEER.has(`${w} ${t.words[i + 1] ?? ''}`)
}

/** The text of tokens first..end as a key: spaces where the text has any, none where tokens touch. */
function keyOf (t: Tokens, first: number, end: number): string {
  let key = t.words[first] ?? ''
  for (let i = first + 1; i < end; i++) key += (joined(t, i) ? '' : ' ') + (t.words[i] ?? '')
  return key
}

/** The longest gazetteer name starting at token i. */
function gazetteerAt (t: Tokens, i: number): Piece | undefined {
  let best: Piece | undefined
  let key = ''
  for (let j = i; j < Math.min(t.length, i + GAZETTEER_MAX_TOKENS); j++) {
    if (j > i && (t.opens[j] ?? false)) break
    key += (j > i && !joined(t, j) ? ' ' : '') + (t.words[j] ?? '')
    const label = GAZETTEER.get(key)
    if (label !== undefined) best = { first: i, end: j + 1, label, weak: false }
  }
  if (best === undefined) return undefined
  // a sentence's first word that is also an ordinary word ("Nice", "Target") needs a second word or another mention
  if ((t.opens[i] ?? false) && best.end === i + 1 && isCommonWord(t.lower[i] ?? '') && !/^\p{Lu}+$/u.test(t.words[i] ?? '')) return undefined
  return best
}

/** Where the capitalised run starting at i ends (exclusive): names, initials, hyphens, "of", "&", particles. */
function runEnd (t: Tokens, i: number, taken: Uint8Array): number {
  let j = i + 1
  const cap = (k: number): boolean => k < t.length && taken[k] !== 1 && !(t.opens[k] ?? false) && isCapitalised(t, k) && !MONTHS_DAYS.has(t.words[k] ?? '')
  while (j < t.length && j - i < 12) {
    const w = t.words[j] ?? ''
    if (cap(j)) { j++; continue }
    // "Skłodowska-Curie", "Rolls-Royce"; not "Chennai-based"
    if ((w === '-' || w === '–') && joined(t, j) && joined(t, j + 1) && cap(j + 1)) { j += 2; continue }
    if (w === '&' && cap(j + 1)) { j += 2; continue }
    // "Falcon 9", "Llama 2", "Pixel 8 Pro", "Proposition 22": a short number after a product or a law's prefix
    if (t.types[j] === 'number' && /^\d{1,4}$/u.test(w) && !joined(t, j) && numberJoins(t, i, j)) {
      j++
      while (j < t.length && MODEL_SUFFIX.has(t.words[j] ?? '')) j++
      continue
    }
    const lower = t.lower[j] ?? ''
    const head = t.words[j - 1] ?? ''
    if ((lower === 'of' || lower === 'for') && cap(j + 1) && w === lower) {
      if (isHead(head) || TITLE_WORDS.has(head) || head === 'Statue' || head === 'House' || head === 'Harrying' || head === 'Sea' || head === 'Bank') {
        j += 1
        if (t.lower[j] === 'the' && cap(j + 1)) j++
        continue
      }
    }
    // "Nobel Prize in Chemistry"
    if (lower === 'in' && w === lower && cap(j + 1) && (HEADS.WORK_OF_ART.has(head))) { j++; continue }
    // "School of Industrial Physics and Chemistry": "and" inside a name that already has "of"
    if ((lower === 'and' || lower === '&') && cap(j + 1) && hasOf(t, i, j) && GAZETTEER.get(t.words[j + 1] ?? '') !== 'GPE') { j++; continue }
    // "Edward the Confessor", "Alfred the Great"
    if (lower === 'the' && w === lower && FIRST.has(head) && t.lower[j - 2] !== 'the' && cap(j + 1) && !GAZETTEER.has(t.words[j + 1] ?? '')) { j += 2; continue }
    if (PARTICLES.has(w) && (cap(j + 1) || (PARTICLES.has(t.words[j + 1] ?? '') && cap(j + 2))) && !(t.opens[j] ?? false)) {
      j += PARTICLES.has(t.words[j + 1] ?? '') ? 2 : 1
      continue
    }
    if ((w === 'al' || w === 'el') && t.words[j + 1] === '-' && cap(j + 2)) { j += 3; continue }
    break
  }
  return j
}

function hasOf (t: Tokens, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (t.words[k] === 'of') return true
  return false
}

/** Whether a number at j belongs to the name that starts at i: a product's model or a law's number. */
function numberJoins (t: Tokens, i: number, j: number): boolean {
  const key = keyOf(t, i, j)
  if (GAZETTEER.get(keyOf(t, i, j + 1)) !== undefined) return true
  return (j - i <= 2 && GAZETTEER.get(key) === 'PRODUCT') || (j === i + 1 && PREFIX_LABELS[key] === 'LAW')
}

function isHead (w: string): boolean {
  return HEADS.ORG.has(w) || HEADS.FAC.has(w) || HEADS.LOC.has(w) || HEADS.EVENT.has(w) || HEADS.LAW.has(w) ||
    HEADS.WORK_OF_ART.has(w) || HEADS.GPE.has(w)
}

/** Labels by head word, in the order a head is trusted. */
const HEAD_LABELS = [['ORG', HEADS.ORG], ['FAC', HEADS.FAC], ['GPE', HEADS.GPE], ['LOC', HEADS.LOC], ['EVENT', HEADS.EVENT],
  ['LAW', HEADS.LAW], ['WORK_OF_ART', HEADS.WORK_OF_ART]] as const
/** A first word that names what follows: "Mount Everest", "County Cork", "Rue Dauphine". */
const PREFIX_LABELS: Readonly<Record<string, NameLabel>> = {
  Mount: 'LOC', Mt: 'LOC', 'Mt.': 'LOC', Lake: 'LOC', Cape: 'LOC', Isle: 'LOC', County: 'GPE', Rue: 'FAC', Via: 'FAC',
  Fort: 'FAC', Camp: 'FAC', Proposition: 'LAW', Prop: 'LAW', Article: 'LAW', Section: 'LAW', Amendment: 'LAW', Operation: 'EVENT'
}
// "Pixel 8 Pro", "iPhone 15 Pro Max": what follows a product's number
const MODEL_SUFFIX = words('Pro|Max|Ultra|Plus|Mini|Air|SE|Lite|Fold|Flip|XL|Neo|Edge|Note|Turbo|Sport|Classic')

/**
 * Cuts a run at titles ("President | Joe Biden"), common acronyms and a leading ordinary word a
 * sentence or a headline capitalised ("Shares", "However"); what is left are the pieces to label.
 */
function splitRun (t: Tokens, first: number, end: number, headline: Uint8Array, midCaps: ReadonlySet<string>): Piece[] {
  const pieces: Piece[] = []
  let start = first
  let titled = false
  let ofTitle = false
  const flush = (to: number): void => {
    if (to > start) pieces.push({ first: start, end: to, label: titled ? 'PERSON' : ofTitle ? 'GPE' : undefined, weak: false })
    start = to
    titled = false
    ofTitle = false
  }
  for (let i = first; i < end; i++) {
    const w = t.words[i] ?? ''
    // a title: two words ("Prime Minister") or one ("Premier", "Dr.")
    const two = `${w} ${t.words[i + 1] ?? ''}`
    const title = i + 1 < end && TITLE_WORDS.has(two) ? 2 : TITLE_WORDS.has(w) && i + 1 < end && !GAZETTEER.has(keyOf(t, start, end)) ? 1 : 0
    if (title > 0 && !(i > start && isHead(w))) {
      flush(i)
      start = i + title
      i += title - 1
      titled = true
      // "Earl of Wessex", "Duke of Normandy": the place is a place
      if (t.words[start] === 'of') {
        start++
        i++
        titled = false
        ofTitle = true
      }
      continue
    }
    if (i === start && LEADING.has(w) && !GAZETTEER.has(keyOf(t, i, end))) {
      start = i + 1
      continue
    }
    if (NOT_NAMES.has(w)) {
      flush(i)
      start = i + 1
      continue
    }
    // an ordinary word capitalised only by its place: the first of a sentence, or any in a headline
    const uncertain = (i === start && (t.opens[i] ?? false)) || headline[i] === 1
    const numbered = PREFIX_LABELS[w] !== undefined && t.types[i + 1] === 'number'
    // "Acme Corp paid": an ordinary word that a head word follows is a name's start
    const headed = end - i >= 2 && i === start && !(headline[i] === 1) && isHead((t.words[end - 1] ?? '').replace(/\.$/u, ''))
    if (uncertain && !numbered && !headed && isOrdinary(t, i, midCaps) && !GAZETTEER.has(keyOf(t, i, end))) {
      flush(i)
      start = i + 1
      continue
    }
  }
  flush(end)
  // a piece never starts with a number: "22" alone is the numeric rules' business
  return pieces.filter((p) => p.end > p.first && t.types[p.first] !== 'number')
}

function isOrdinary (t: Tokens, i: number, midCaps: ReadonlySet<string>): boolean {
  const w = t.words[i] ?? ''
  if (LEADING.has(w)) return true
  if (midCaps.has(w) || GAZETTEER.has(w) || FIRST.has(w)) return false
  return isCommonWord(t.lower[i] ?? '') || t.pos[i] === 'VERB' || t.pos[i] === 'ADV' || t.pos[i] === 'ADP' ||
    t.pos[i] === 'PRON' || t.pos[i] === 'DET' || t.pos[i] === 'AUX' || t.pos[i] === 'SCONJ' || t.pos[i] === 'CCONJ'
}

/** Capitalised words seen somewhere other than a sentence's or a line's start: names, whatever a dictionary says. */
function capitalisedMidSentence (t: Tokens, headline: Uint8Array): Set<string> {
  const out = new Set<string>()
  for (let i = 1; i < t.length; i++) {
    if (!(t.opens[i] ?? false) && headline[i] === 0 && isCapitalised(t, i) && t.words[i - 1] !== '"' && t.words[i - 1] !== ':' && t.words[i - 1] !== '“') {
      out.add(t.words[i] ?? '')
    }
  }
  return out
}

/** Tokens on a line written in title case (a headline): every capital there is uncertain. */
function headlineTokens (t: Tokens): Uint8Array {
  const out = new Uint8Array(t.length)
  let lineStart = 0
  let caps = 0
  let lowers = 0
  let lastReal = -1
  const close = (end: number): void => {
    const ends = lastReal >= 0 && /^[.!?]$/u.test(t.words[lastReal] ?? '')
    if (!ends && caps >= 2 && lowers <= caps / 4) out.fill(1, lineStart, end)
    caps = lowers = 0
    lastReal = -1
    lineStart = end
  }
  for (let i = 0; i < t.length; i++) {
    if (t.lineStarts[i] ?? false) close(i)
    const w = t.words[i] ?? ''
    if (/^\s*$/u.test(w)) continue
    lastReal = i
    // short words ("as", "to", "of") are lower case even in a headline
    if (t.types[i] !== 'word' || w.length < 4) continue
    if (/^\p{Lu}/u.test(w)) caps++
    else if (/^\p{Ll}/u.test(w)) lowers++
  }
  close(t.length)
  return out
}

/** Labels a piece from its own words and the words around it, strongest evidence first. */
function classify (t: Tokens, p: Piece): void {
  // strip a leading "The" and a trailing possessive or abbreviation full stop inside the piece
  while (p.end - p.first > 1 && LEADING.has(t.words[p.first] ?? '')) p.first++
  const key = keyOf(t, p.first, p.end)
  const n = p.end - p.first
  const firstWord = t.words[p.first] ?? ''
  const lastWord = (t.words[p.end - 1] ?? '').replace(/\.$/u, '')
  const gazetteer = GAZETTEER.get(key)
  const set = (label: NameLabel | undefined, weak = false): void => {
    p.label = label
    p.weak = weak
  }
  if (p.label === 'GPE') {
    // "Earl of Wessex", "Mayor of London"; not "Secretary of State", "Minister of Defence"
    if (gazetteer !== undefined) set(gazetteer)
    else if (GENERIC.has(firstWord) || OFFICES.has(firstWord)) {
      // "Secretary of State Antony Blinken": the office, then the person
      let k = p.first
      while (k < p.end && (GENERIC.has(t.words[k] ?? '') || OFFICES.has(t.words[k] ?? ''))) k++
      p.first = k
      set(k < p.end ? 'PERSON' : undefined)
    }
    return
  }
  if (p.label === 'PERSON') {
    // "President Joe Biden": but "President of Udaan" leaves nothing; a titled organisation stays one
    if (gazetteer !== undefined && gazetteer !== 'NORP' && gazetteer !== 'LANGUAGE') set(gazetteer)
    else if (n === 1 && GENERIC.has(firstWord)) set(undefined)
    return
  }
  if (gazetteer !== undefined) {
    set(gazetteer === 'NORP' || gazetteer === 'LANGUAGE' ? languageOrGroup(t, p, gazetteer) : gazetteer)
    return
  }
  if (n === 1 && (GENERIC.has(firstWord) || isHead(firstWord))) { set(undefined); return }
  if (n === 1 && /^\p{Lu}\.?$/u.test(firstWord)) { set(undefined); return }
  // "X-ray", "T-shirt", "U-turn": a letter and a word
  if (n === 1 && /^[\p{L}\d]{1,2}-\p{Ll}/u.test(firstWord)) { set(undefined); return }
  const prefix = PREFIX_LABELS[firstWord]
  if (prefix !== undefined && n >= 2) { set(prefix); return }
  // "Royal Swedish Academy of Sciences": a head before "of" names the whole
  for (let k = p.first; k < p.end - 1; k++) {
    if (t.words[k + 1] !== 'of' && t.words[k + 1] !== 'in') continue
    for (const [label, heads] of HEAD_LABELS) {
      if (heads.has(t.words[k] ?? '')) { set(label); return }
    }
  }
  // "French Alps", "Southern California": a place with a qualifier is that kind of place
  const lastPlace = GAZETTEER.get(lastWord)
  if (n === 2 && (lastPlace === 'LOC' || lastPlace === 'GPE') && (GAZETTEER.get(firstWord) === 'NORP' || COMPASS.has(firstWord))) { set(lastPlace); return }

  // head words: "Acme Corp", "University of London", "Golden Gate Bridge", "Battle of Hastings"
  const second = t.lower[p.first + 1] ?? ''
  const headFirst = n >= 3 && second === 'of'
  if (n >= 2) {
    const firstIsPersonName = FIRST.has(firstWord) && n === 2
    const personish = firstIsPersonName && (SURNAMES.has(lastWord) || /^(?:Hall|Hill|Park|Church|Bridge|Bridges|Banks|Ford|Lane|Wall|Street|Fields|Field|Moore|Wood|Woods|Brooks|Rivers|Waters|Lake|Marsh|Gates|House|Young|King|Law|Rule|Price|Cross|Bay|Day|Mann|Port|Ware)$/u.test(lastWord))
    if (!personish) {
      for (const [label, heads] of HEAD_LABELS) {
        if (heads.has(lastWord) || (headFirst && heads.has(firstWord))) {
          set(label)
          return
        }
      }
    }
  }

  // a gazetteer place or group at the start of a longer unknown run: "Indian Railways" was caught above;
  // "Google Cloud" and "Apple Music" belong to their company
  const lead = GAZETTEER.get(firstWord)
  if (n >= 2 && lead === 'ORG') { set(hasModelNumber(t, p) ? 'PRODUCT' : 'ORG'); return }
  if (n >= 2 && lead === 'PRODUCT') { set('PRODUCT'); return }
  // "Tensor G3", "A17 Pro", "H100": a model code makes a product
  if (hasModelCode(t, p)) { set('PRODUCT'); return }
  // "Mistral AI", "Samsung SDI": a name and an acronym is a company
  if (n >= 2 && /^\p{Lu}{2,4}$/u.test(lastWord) && !allCaps(t, p)) { set('ORG'); return }

  const before = t.lower[p.first - 1] ?? ''
  const before2 = t.lower[p.first - 2] ?? ''
  const after = t.lower[p.end] ?? ''
  // "Chennai-based", "London-born"
  if ((after === '-' || after === '–') && joined(t, p.end) && BASED.has(t.lower[p.end + 1] ?? '')) { set('GPE'); return }
  if (ROLE_WORDS.has(before) && before !== 'rival' && !ORG_NOUNS.has(before)) { set('PERSON'); return }
  if (n >= 2 && (FIRST.has(firstWord) || (SURNAMES.has(lastWord) && !GAZETTEER.has(firstWord)))) { set('PERSON'); return }
  if (orgContext(t, p)) { set('ORG'); return }

  if (n >= 2) {
    if (FIRST.has(lastWord)) { set('PERSON'); return }
    if (/^\p{Lu}\.$/u.test(t.words[p.first + 1] ?? '') || /^\p{Lu}\.$/u.test(firstWord)) { set('PERSON'); return }
    if (allCaps(t, p)) { set('ORG', true); return }
    // "Activision Blizzard", "Ola Electric": with no known given name, an ordinary English word that is
    // no known surname makes a company more likely than a person
    for (let k = p.first; k < p.end; k++) {
      if (isCommonWord(t.lower[k] ?? '') && !SURNAMES.has(t.words[k] ?? '')) { set('ORG', true); return }
    }
    set('PERSON', true)
    return
  }

  // one word
  const w = firstWord
  if (/^\p{Lu}{2,6}s?$/u.test(w) || /^[\p{Lu}\d&]{2,6}$/u.test(w)) { set('ORG', true); return }
  if (/^\p{Ll}*\p{Lu}\p{Ll}+\p{Lu}/u.test(w) && !/^(?:Mc|Mac|O'|De|Di|Le|La|Van)/u.test(w)) { set('ORG', true); return }
  const population = CITY_POPULATION.get(w)
  const nameLike = FIRST.has(w) || SURNAMES.has(w)
  if (placeContext(t, p)) { set('GPE', population === undefined); return }
  if (population !== undefined && (!nameLike || PLACE_BEFORE.has(before) || population >= 1_000_000)) { set('GPE', nameLike); return }
  if (speaks(t, p)) { set('PERSON', !nameLike); return }
  if (nameLike) { set('PERSON', true); return }
  if (PLACE_BEFORE.has(before) && before !== 'at' && before !== 'from' && before !== 'to' && before !== 'and' && !(before === 'in' && before2 === 'invested')) { set('GPE', true); return }
  set('ORG', true)
}

const OFFICES = words('Defence|Defense|Commerce|Energy|Treasury|Education|Health|Transport|Transportation|Agriculture|' +
  'Labor|Labour|Interior|Justice|Homeland|Finance|Foreign|Home|Trade|Industry|Culture|Science|Environment|Housing|Staff|' +
  'State|Affairs|Exchequer|Works|War|Navy|Army|Police|Arms|Ceremonies|Board|Directors|Studies|Research|Operations')
const COMPASS = words('North|South|East|West|Northern|Southern|Eastern|Western|Central|Upper|Lower|Greater|Inner|Outer|' +
  'Northeast|Northwest|Southeast|Southwest|Northeastern|Northwestern|Southeastern|Southwestern|Coastal|Rural|Old|New')
const ARRIVE = words('landed|arrived|docked|stopped|camped|born|died|lived|settled|fought|buried|based|raised|grew|' +
  'stationed|crowned|held|opened|located|situated|headquartered')

/** "near York", "at Pevensey, on the coast", "Skibbereen, County Cork", "from Joachimsthal in Bohemia". */
function placeContext (t: Tokens, p: Piece): boolean {
  const before = t.lower[p.first - 1] ?? ''
  const after = t.lower[p.end] ?? ''
  const next = t.words[p.end + 1] ?? ''
  const nextPlace = GAZETTEER.get(next)
  if ((after === ',' || after === 'in') && (nextPlace === 'GPE' || (CITY_POPULATION.has(next) && !FIRST.has(next)) || next === 'County')) {
    return PLACE_BEFORE.has(before) || ARRIVE.has(t.lower[p.first - 2] ?? '') || before === ',' || before === 'of'
  }
  if (before === 'near' || before === 'outside' || before === 'throughout') return true
  if ((before === 'at' || before === 'in') && ARRIVE.has(t.lower[p.first - 2] ?? '')) return true
  return false
}

const MODEL_CODE = /^(?:\p{Lu}{1,3}\d{1,4}\p{Lu}?|\d{1,4}\p{Lu}{1,2})$/u

function hasModelCode (t: Tokens, p: Piece): boolean {
  for (let i = p.first; i < p.end; i++) if (MODEL_CODE.test(t.words[i] ?? '') && !NOT_NAMES.has(t.words[i] ?? '')) return true
  return false
}

/** "Galaxy S24", "Pixel 8": a company's name with a number is its product. */
function hasModelNumber (t: Tokens, p: Piece): boolean {
  for (let i = p.first + 1; i < p.end; i++) if (/^\d{1,4}$/u.test(t.words[i] ?? '') || MODEL_CODE.test(t.words[i] ?? '')) return true
  return false
}

function allCaps (t: Tokens, p: Piece): boolean {
  for (let i = p.first; i < p.end; i++) if (/\p{Ll}/u.test(t.words[i] ?? '')) return false
  return true
}

/** "Udaan, a start-up"; "e-commerce firm Udaan"; "Udaan's shares"; "shares of Udaan". */
function orgContext (t: Tokens, p: Piece): boolean {
  const before = t.lower[p.first - 1] ?? ''
  if (ORG_NOUNS.has(before) && before !== 'rival' && before !== 'rivals' && before !== 'side' && before !== 'team') return true
  if ((before === 'of' || before === 'in') && ['shares', 'stake', 'stock', 'investors', 'shareholders'].includes(t.lower[p.first - 2] ?? '')) return true
  const after = t.lower[p.end] ?? ''
  if ((after === "'s" || after === '’s') && ORG_OWNED.has(t.lower[p.end + 1] ?? '')) return true
  if (ORG_OWNED.has(after) && ['shares', 'stock', 'revenue', 'sales', 'profit', 'earnings', 'valuation', 'headquarters', 'employees', 'shareholders', 'investors', 'ipo', 'listing', 'executives', 'board'].includes(after)) return true
  if (after === ',' || after === '(') {
    // "Udaan, a Bengaluru-based business-to-business platform,"
    const det = t.lower[p.end + 1] ?? ''
    if (det === 'a' || det === 'an' || det === 'the' || det === 'which' || det === 'its') {
      for (let k = p.end + 2; k < Math.min(t.length, p.end + 9); k++) {
        const w = t.lower[k] ?? ''
        if (w === ',' || w === '.' || w === ';' || ROLE_WORDS.has(w)) break
        if (ORG_NOUNS.has(w) && !['rival', 'rivals', 'side', 'team', 'parent', 'owner', 'investor', 'backer'].includes(w)) return true
      }
    }
  }
  return false
}

/** A person's mark: speech or a life event after the name, or ", 45," for an age. */
function speaks (t: Tokens, p: Piece): boolean {
  const after = t.lower[p.end] ?? ''
  const before = t.lower[p.first - 1] ?? ''
  if (['said', 'says', 'told', 'tells', 'added', 'wrote', 'argued', 'recalled', 'explained', 'insisted', 'warned', 'replied', 'admitted', 'tweeted', 'conceded', 'recounted', 'joked', 'married', 'died', 'smiled', 'laughed'].includes(after)) return true
  if (before === 'said' || before === 'says') return true
  if (after === ',' && /^\d{1,2}$/u.test(t.words[p.end + 1] ?? '') && t.lower[p.end + 2] === ',') return true
  if (after === ',' && t.lower[p.end + 1] === 'who') return true
  if (SPEECH.has(after) && PERSON_BEFORE.has(before)) return true
  return false
}

/** A nationality word names a language after "in", "speak" and the like, unless a noun follows it. */
function languageOrGroup (t: Tokens, p: Piece, gazetteer: 'NORP' | 'LANGUAGE'): NameLabel {
  const key = keyOf(t, p.first, p.end)
  if (!LANGUAGE_NAMES.has(key)) return gazetteer
  const before = t.lower[p.first - 1] ?? ''
  const after = t.lower[p.end] ?? ''
  const nextIsNoun = t.pos[p.end] === 'NOUN' || t.pos[p.end] === 'PROPN' || t.pos[p.end] === 'ADJ'
  if ((after === '-' && t.lower[p.end + 1] === 'language') || after === 'language') return 'LANGUAGE'
  if (LANGUAGE_BEFORE.has(before) && !nextIsNoun) return 'LANGUAGE'
  if ((after === 'and' || after === 'or') && LANGUAGE_BEFORE.has(before)) return 'LANGUAGE'
  return gazetteer === 'LANGUAGE' && key !== 'English' && !nextIsNoun ? 'LANGUAGE' : 'NORP'
}

/**
 * Later and earlier mentions: a surname alone after the full name ("Trump" after "Donald Trump") is the
 * person; a company's first word ("Acme" after "Acme Corp") or its initials are the company; a name
 * labelled with certainty once lends that label to its weak mentions.
 */
function resolveMentions (t: Tokens, pieces: Piece[], checkpoint: () => void): void {
  const known = new Map<string, NameLabel>()
  const alias = new Map<string, NameLabel>()
  let count = 0
  for (const p of pieces) {
    if ((++count & 511) === 0) checkpoint()
    // a weak label names nothing for others, except a full name: "Elon Musk" lends "Musk" its label
    if (p.label === undefined || (p.weak && !(p.label === 'PERSON' && p.end - p.first >= 2))) continue
    const key = keyOf(t, p.first, p.end)
    if (!known.has(key) && !p.weak) known.set(key, p.label)
    const n = p.end - p.first
    if (p.label === 'PERSON' && n >= 2) {
      const last = t.words[p.end - 1] ?? ''
      const firstWord = t.words[p.first] ?? ''
      if (!alias.has(last) || GAZETTEER.get(last) === 'ORG') alias.set(last, 'PERSON')
      if (!alias.has(firstWord) && FIRST.has(firstWord)) alias.set(firstWord, 'PERSON')
      // "Marie Skłodowska-Curie" → "Curie"; "Ursula von der Leyen" → "von der Leyen" is left to the surname
      const hyphen = last.lastIndexOf('-')
      if (hyphen > 0 && !alias.has(last.slice(hyphen + 1))) alias.set(last.slice(hyphen + 1), 'PERSON')
    } else if (p.label === 'ORG' && n >= 2) {
      const firstWord = t.words[p.first] ?? ''
      if (!isHead(firstWord) && !GENERIC.has(firstWord) && !alias.has(firstWord) && GAZETTEER.get(firstWord) === undefined) alias.set(firstWord, 'ORG')
      let initials = ''
      for (let i = p.first; i < p.end; i++) {
        const w = t.words[i] ?? ''
        if (/^\p{Lu}/u.test(w)) initials += w.charAt(0)
      }
      if (initials.length >= 2 && !alias.has(initials)) alias.set(initials, 'ORG')
    }
  }
  for (const p of pieces) {
    if ((++count & 511) === 0) checkpoint()
    // "John Hess ... Hess told analysts": a company that shares a person's surname, speaking, is the person
    if (p.label === 'ORG' && p.end - p.first === 1 && alias.get(t.words[p.first] ?? '') === 'PERSON' && speaks(t, p)) {
      p.label = 'PERSON'
      continue
    }
    if (p.label !== undefined && !p.weak) continue
    const key = keyOf(t, p.first, p.end)
    // "the Curies" after "Pierre Curie"
    const label = known.get(key) ?? alias.get(key) ?? (key.endsWith('s') && alias.get(key.slice(0, -1)) === 'PERSON' ? 'PERSON' : undefined)
    if (label !== undefined) {
      p.label = label
      p.weak = false
      continue
    }
    // "Skłodowska-Curie" mentioned as "Curie" is found above; a possessive never reaches here
    if (p.label === undefined) continue
  }
}
