// Numeric entities by token rules: MONEY, PERCENT, QUANTITY, TIME, DATE, ORDINAL and CARDINAL, with OntoNotes spans.
import type { Tokens } from './tokens.js'
import { joined } from './tokens.js'

export interface Match {
  readonly label: string
  /** token indices, end exclusive */
  readonly first: number
  readonly end: number
}

const words = (s: string): Set<string> => new Set(s.split('|'))

const UNITS = words('zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|' +
  'sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a|an|half|dozen|dozens|' +
  'hundreds|thousands|millions|billions|trillions|tens|scores')
const SCALES = words('hundred|thousand|million|billion|trillion|bn|m|mn|mln|k|tn|trn|crore|crores|lakh|lakhs|b|bln|' +
  'm.|bn.|k.|tn.|b.|mil')
const ORDINALS = words('first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|' +
  'fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first|thirtieth|fortieth|fiftieth|' +
  'hundredth|thousandth|millionth')
const MONTHS = words('january|february|march|april|may|june|july|august|september|october|november|december|jan|jan.|' +
  'feb|feb.|mar|mar.|apr|apr.|jun|jun.|jul|jul.|aug|aug.|sep|sep.|sept|sept.|oct|oct.|nov|nov.|dec|dec.')
const WEEKDAYS = words('monday|tuesday|wednesday|thursday|friday|saturday|sunday|mondays|tuesdays|wednesdays|thursdays|' +
  'fridays|saturdays|sundays')
const SEASONS = words('spring|summer|autumn|fall|winter')
const DATE_UNITS = words('day|days|week|weeks|weekend|weekends|fortnight|month|months|year|years|decade|decades|century|' +
  'centuries|millennium|millennia|quarter|quarters|season|seasons|semester|term')
const TIME_UNITS = words('hour|hours|minute|minutes|second|seconds|hrs|hr|mins|min|secs|sec|nanoseconds|milliseconds|' +
  'microseconds')
const RELATIVE = words('last|next|this|past|coming|previous|following|recent|current|same|early|late|mid|earlier|later')
const DAY_PARTS = words('morning|afternoon|evening|night')
const MODIFIERS = words('about|around|nearly|almost|approximately|roughly|some|over|under|just|barely|circa|' +
  'c.|approx.|~|up')
const MODIFIER_PAIRS = words('more than|less than|fewer than|up to|at least|at most|as many|as much|as few|as little|' +
  'just over|just under|well over|well under|close to|more then|in excess|no fewer|no more|upwards of')
const SYMBOLS = words('$|£|€|¥|₹|₩|₽|₺|₦|₱|₪|฿|us$|a$|c$|hk$|s$|nz$|r$|rs|rs.|inr|usd|aud|gbp|eur|jpy|cny|rmb|cad|chf|' +
  'hkd|sgd|nzd|sek|nok|dkk|zar|brl|mxn|krw|rub|try|aed|sar|yuan|sfr')
const CURRENCY_WORDS = words('dollar|dollars|pound|pounds|euro|euros|yen|yuan|renminbi|rupee|rupees|rupiah|won|rouble|' +
  'roubles|ruble|rubles|franc|francs|peso|pesos|real|reais|rand|dirham|dirhams|riyal|riyals|cent|cents|pence|sterling|' +
  'crowns|kronor|krone|kroner|lira|naira|shillings|baht|ringgit|dong|taka|bitcoin|bitcoins')
const MEASURES = words('km|kms|kilometre|kilometres|kilometer|kilometers|mile|miles|mi|metre|metres|meter|meters|cm|mm|' +
  'centimetres|centimeters|millimetres|millimeters|feet|foot|ft|inch|inches|yard|yards|acre|acres|hectare|hectares|ha|' +
  'kg|kgs|kilogram|kilograms|kilo|kilos|gram|grams|g|mg|tonne|tonnes|ton|tons|lb|lbs|ounce|ounces|oz|litre|litres|liter|' +
  'liters|ml|gallon|gallons|barrel|barrels|bpd|mw|gw|kw|kwh|mwh|gwh|twh|megawatt|megawatts|gigawatt|gigawatts|kilowatt|' +
  'kilowatts|watt|watts|volts|volt|degrees|degree|°c|°f|°|mph|kph|km/h|knots|calories|kcal|light-years|light|gb|tb|mb|' +
  'kb|petabytes|terabytes|gigabytes|megabytes|square|cubic|sq|storeys|stories|floors|qubits|teu|carats|nits|megapixel|' +
  'megapixels|mp|mah|hz|khz|mhz|ghz|db|decibels|psi|newtons|joules|tonnes-km')
// Numbers written before these belong to the name or the code, not to a count.
const NOT_AFTER = words('covid|covid-19|model|falcon|apollo|windows|boeing|airbus|iphone|galaxy|pixel|page|chapter|' +
  'section|article|no.|number|grade|level|phase|stage|version|v|room|flight|route|highway|interstate|class|type|' +
  'gen|series|episode|season|act|verse|psalm|rule|point|item|line|platform|gate|row|seat|unit|exit|box|pier|lot|zone|' +
  'ward|district|block|figure|fig.|table|g|g-|proposition|prop|prop.|amendment|resolution|measure|llama|pixel|' +
  'galaxy|gpt|gemini|claude|tensor|rtx|xbox|playstation|ps|mark|mk|mach|formula|studio|series')

const NUMBER = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/u
const YEAR = /^(?:1\d{3}|20\d{2})$/u
const YEAR_RANGE = /^(?:1\d{3}|20\d{2})[-–/](?:\d{2}|1\d{3}|20\d{2})$/u
const DAY_NUMBER = /^(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?$/u
const ORDINAL_DIGITS = /^\d+(?:st|nd|rd|th)$/u
const CLOCK = /^(?:[01]?\d|2[0-3])[:.][0-5]\d(?:[:.][0-5]\d)?$/u
const CLOCK_SUFFIX = words('am|pm|a.m.|p.m.|a.m|p.m|hrs|gmt|utc|bst|est|edt|pst|pdt|cet|ist|et|pt|local')
const FISCAL = /^(?:fy['’]?(?:\d{2}|\d{4})|fy|q[1-4]|h[12])$/u
const COMPACT_AMOUNT = /^\d+(?:\.\d+)?(?:bn|m|mn|k|tn|b)$/u
const COMPACT_MEASURE = /^\d+(?:\.\d+)?(?:km|kg|mm|cm|ml|mw|gw|kw|kwh|gwh|twh|mph|gb|tb|mb|ft|lb|lbs|oz|g|m|w|in|mp|mah|hz|ghz|mhz|db)$/u
// "5x": a multiple is a count
const MULTIPLE = /^\d+(?:\.\d+)?x$/u
const FRACTIONS = words('half|halves|third|thirds|quarter|quarters|fifth|fifths|sixth|sixths|seventh|eighth|ninth|tenth|tenths|hundredth')
const HOLIDAYS = words('christmas|christmas day|christmas eve|new year|new year\'s day|new year\'s eve|easter|easter sunday|good friday|' +
  'thanksgiving|diwali|eid|ramadan|hanukkah|halloween|boxing day|independence day|labor day|labour day|memorial day|' +
  'lent|passover|holi|lunar new year|chinese new year|bastille day|may day|valentine\'s day|mother\'s day|father\'s day')

/** Whether token i is written as a number: digits ("1,200", "3.5") or a number word ("twenty"). */
function isNumberAt (t: Tokens, i: number): boolean {
  const w = t.lower[i]
  return w !== undefined && (NUMBER.test(w) || UNITS.has(w))
}

/**
 * The tokens and, for each token j, where a number that goes on as far as j ends: a run of number
 * words is read once, right to left, and numberEnd is a look-up, so the rules tried at each word of a
 * long run ("tens tens tens …", which none of them takes) do not read the rest of the run again.
 */
interface Numbered extends Tokens {
  /** t.length + 1 entries; the last is t.length */
  readonly numberEnds: Int32Array
}

function numbered (t: Tokens, checkpoint: () => void): Numbered {
  const ends = new Int32Array(t.length + 1)
  ends[t.length] = t.length
  for (let j = t.length - 1; j >= 0; j--) {
    if ((j & 4095) === 0) checkpoint()
    const step = continuesBy(t, j)
    ends[j] = step === 0 ? j : ends[j + step] ?? j + step
  }
  return { ...t, numberEnds: ends }
}

/**
 * How many tokens a number goes on by at token j: 0 (it stops before j), 1 ("hundred", "five" after
 * "twenty") or 2 ("- five", "and one"); it reads only the tokens around j, never where the number started.
 */
function continuesBy (t: Tokens, j: number): 0 | 1 | 2 {
  const w = t.lower[j] ?? ''
  if (w === '-' && joined(t, j) && UNITS.has(t.lower[j + 1] ?? '') && joined(t, j + 1)) return 2
  if (SCALES.has(w) && (joined(t, j) || !/^(?:m|k|b|m\.|b\.|k\.)$/u.test(w))) return 1
  if (w === 'and' && UNITS.has(t.lower[j + 1] ?? '') && SCALES.has(t.lower[j - 1] ?? '')) return 2
  if (UNITS.has(w) && w !== 'a' && w !== 'an' && w !== 'half' && UNITS.has(t.lower[j - 1] ?? '')) return 1
  return 0
}

/** The end of a spelt or written number starting at i: "1.2 million", "twenty - five", "two hundred thousand". */
function numberEnd (t: Numbered, i: number): number {
  if (!isNumberAt(t, i)) return i
  const first = t.lower[i] ?? ''
  // "a" and "an" count only before a scale: "a million", "a dozen", "an estimated" is not
  if ((first === 'a' || first === 'an' || first === 'half') && !(SCALES.has(t.lower[i + 1] ?? '') || t.lower[i + 1] === 'dozen')) return i
  return t.numberEnds[i + 1] ?? i + 1
}

/** Modifiers a numeric entity includes ("about $5m", "more than 1,000"); returns where the number starts. */
function afterModifier (t: Tokens, i: number): number {
  const w = t.lower[i] ?? ''
  if (MODIFIER_PAIRS.has(`${w} ${t.lower[i + 1] ?? ''}`)) {
    const next = t.lower[i + 2] ?? ''
    return next === 'than' || next === 'of' ? i + 3 : i + 2
  }
  if (MODIFIERS.has(w)) return i + 1
  return i
}

type Rule = (t: Numbered, i: number) => Match | undefined

const money: Rule = (t, i) => {
  const w = t.lower[i] ?? ''
  if (SYMBOLS.has(w) || t.types[i] === 'currency') {
    const end = numberEnd(t, i + 1)
    if (end === i + 1) return undefined
    let e = end
    if (SYMBOLS.has(t.lower[e] ?? '') && /^[a-z]{3}$/u.test(t.lower[e] ?? '')) e++
    return { label: 'MONEY', first: i, end: e }
  }
  const end = numberEnd(t, i)
  if (end > i && CURRENCY_WORDS.has(t.lower[end] ?? '')) {
    let e = end + 1
    if (t.lower[e] === 'sterling') e++
    return { label: 'MONEY', first: i, end: e }
  }
  if (end > i && /^[a-z]{3}$/u.test(t.lower[end] ?? '') && SYMBOLS.has(t.lower[end] ?? '') && t.words[end] === t.words[end]?.toUpperCase()) {
    return { label: 'MONEY', first: i, end: end + 1 }
  }
  return undefined
}

const percent: Rule = (t, i) => {
  const end = numberEnd(t, i)
  if (end === i) return undefined
  const w = t.lower[end] ?? ''
  if (w === '%' || w === 'percent' || w === 'pc') {
    return { label: 'PERCENT', first: i, end: end + (t.lower[end + 1] === 'points' ? 1 : 0) + 1 }
  }
  if (w === 'per' && t.lower[end + 1] === 'cent') return { label: 'PERCENT', first: i, end: end + 2 }
  if (w === 'percentage' && (t.lower[end + 1] === 'points' || t.lower[end + 1] === 'point')) return { label: 'PERCENT', first: i, end: end + 2 }
  return undefined
}

const quantity: Rule = (t, i) => {
  if (NUMBER.test(t.lower[i] ?? '') && joined(t, i + 1) && /^(?:in|w|kw|mw|gw|mp|mah|km|kg|cm|mm|m|ft|lb|lbs|oz|gb|tb|mb|hz|ghz|mph)$/u.test(t.lower[i + 1] ?? '')) {
    return { label: 'QUANTITY', first: i, end: i + 2 }
  }
  if (COMPACT_MEASURE.test(t.lower[i] ?? '') && !COMPACT_AMOUNT.test(t.lower[i] ?? '')) return { label: 'QUANTITY', first: i, end: i + 1 }
  const end = numberEnd(t, i)
  if (end === i) return undefined
  let e = end
  if (t.lower[e] === '-' && joined(t, e)) e++
  const w = t.lower[e] ?? ''
  if (!MEASURES.has(w)) return undefined
  // "square kilometres", "cubic metres", "light years"
  if ((w === 'square' || w === 'cubic' || w === 'sq' || w === 'light') && MEASURES.has(t.lower[e + 1] ?? '')) e++
  else if (w === 'square' || w === 'cubic' || w === 'sq' || w === 'light') return undefined
  // "2 m" is metres only in a measure's company; "5 g" too rarely matters to guess
  return { label: 'QUANTITY', first: i, end: e + 1 }
}

const time: Rule = (t, i) => {
  const w = t.lower[i] ?? ''
  if (w === 'the' && ['past', 'last', 'next', 'previous', 'coming', 'first'].includes(t.lower[i + 1] ?? '')) {
    const e = numberEnd(t, i + 2)
    if (e > i + 2 && TIME_UNITS.has(t.lower[e] ?? '')) return { label: 'TIME', first: i, end: e + 1 }
  }
  if (t.types[i] === 'time') return { label: 'TIME', first: i, end: i + 1 + (CLOCK_SUFFIX.has(t.lower[i + 1] ?? '') ? 1 : 0) }
  if (CLOCK.test(w) || (/^\d{1,2}$/u.test(w) && CLOCK_SUFFIX.has(t.lower[i + 1] ?? '') && !['et', 'pt', 'local', 'hrs'].includes(t.lower[i + 1] ?? ''))) {
    let e = i + 1
    while (CLOCK_SUFFIX.has(t.lower[e] ?? '') && e < i + 3) e++
    if (e === i + 1 && !CLOCK.test(w)) return undefined
    if (CLOCK.test(w) && e === i + 1 && !/:/u.test(w)) return undefined
    return { label: 'TIME', first: i, end: e }
  }
  if (w === 'noon' || w === 'midnight' || w === 'tonight' || w === 'overnight') return w === 'overnight' ? undefined : { label: 'TIME', first: i, end: i + 1 }
  if ((w === 'this' || w === 'last' || w === 'yesterday' || w === 'tomorrow' || w === 'early' || w === 'late') && DAY_PARTS.has(t.lower[i + 1] ?? '')) {
    return { label: 'TIME', first: i, end: i + 2 }
  }
  if (WEEKDAYS.has(w) && DAY_PARTS.has(t.lower[i + 1] ?? '')) return { label: 'TIME', first: i, end: i + 2 }
  const end = numberEnd(t, i)
  if (end > i) {
    let e = end
    if (t.lower[e] === '-' && joined(t, e)) e++
    if (TIME_UNITS.has(t.lower[e] ?? '')) return { label: 'TIME', first: i, end: e + 1 }
  }
  // "just over an hour", "less than a minute"
  if ((w === 'a' || w === 'an') && TIME_UNITS.has(t.lower[i + 1] ?? '') && (MODIFIERS.has(t.lower[i - 1] ?? '') || t.lower[i - 1] === 'than')) {
    return { label: 'TIME', first: i, end: i + 2 }
  }
  return undefined
}

/** A year as a date: four digits from 1000 to 2099 not followed by a unit, or an era: "500 BC". */
function yearEnd (t: Tokens, i: number): number {
  const w = t.lower[i] ?? ''
  if (YEAR_RANGE.test(w)) return i + 1
  if (/^\d{1,4}$/u.test(w) && ['bc', 'bce', 'ad', 'ce', 'b.c.', 'a.d.'].includes(t.lower[i + 1] ?? '')) return i + 2
  if ((w === 'ad' || w === 'a.d.') && /^\d{1,4}$/u.test(t.lower[i + 1] ?? '')) return i + 2
  if (!YEAR.test(w)) return i
  // "2015 – 2019", one span
  if ((t.lower[i + 1] === '-' || t.lower[i + 1] === '–' || t.lower[i + 1] === 'to') && YEAR.test(t.lower[i + 2] ?? '')) return i + 3
  return i + 1
}

const date: Rule = (t, i) => {
  const w = t.lower[i] ?? ''
  // "the 1990s", "the early 2000s", "the past decade", "the third quarter", "the 19th century"
  if (w === 'the') {
    if (t.lower[i + 1] === 'the') return undefined
    const inner = date(t, i + 1)
    if (inner !== undefined && inner.label === 'DATE') {
      const head = t.lower[i + 1] ?? ''
      if (t.types[i + 1] === 'decade' || /^\d{4}s$/u.test(head) || RELATIVE.has(head) || ORDINALS.has(head) || ORDINAL_DIGITS.test(head)) {
        if (head !== 'this' && head !== 'same' && head !== 'current') return { label: 'DATE', first: i, end: inner.end }
      }
    }
    // "the next day", "the following year", "the same week"
    // "the past 24 hours": a span of hours is a time
    if (['past', 'last', 'next', 'previous', 'coming'].includes(t.lower[i + 1] ?? '')) {
      const e = numberEnd(t, i + 2)
      if (e > i + 2 && TIME_UNITS.has(t.lower[e] ?? '')) return undefined
    }
    if (['next', 'following', 'previous', 'same', 'whole', 'entire'].includes(t.lower[i + 1] ?? '') && DATE_UNITS.has(t.lower[i + 2] ?? '')) {
      return { label: 'DATE', first: i, end: i + 3 }
    }
    // "the year to March", "the 12 months to May 2024", "the quarter ending June"
    const span = periodTo(t, i + 1)
    if (span > i + 1) return { label: 'DATE', first: i, end: span }
    return undefined
  }
  const holiday = HOLIDAYS.has(`${w} ${t.lower[i + 1] ?? ''}`) ? 2 : HOLIDAYS.has(w) ? 1 : 0
  if (holiday > 0 && /^\p{Lu}/u.test(t.words[i] ?? '')) return { label: 'DATE', first: i, end: i + holiday }
  if (t.types[i] === 'decade' || /^(?:1\d|20)\d0s$/u.test(w)) return { label: 'DATE', first: i, end: i + 1 }
  if ((w === 'early' || w === 'late' || w === 'mid') && t.types[i + 1] === 'decade') return { label: 'DATE', first: i, end: i + 2 }
  if (/^(?:mid|early|late)-(?:1\d{3}|20\d{2}|1\d{3}s|20\d{2}s)$/u.test(w)) return { label: 'DATE', first: i, end: i + 1 }
  if (FISCAL.test(w) && /\d/u.test(w)) return { label: 'DATE', first: i, end: i + (YEAR.test(t.lower[i + 1] ?? '') ? 2 : 1) }
  if (FISCAL.test(w) && w.length === 2 && YEAR.test(t.lower[i + 1] ?? '')) return { label: 'DATE', first: i, end: i + 2 }
  if (w === 'fiscal' && YEAR.test(t.lower[i + 1] ?? '')) return { label: 'DATE', first: i, end: i + 2 }
  if (w === 'today' || w === 'yesterday' || w === 'tomorrow') return { label: 'DATE', first: i, end: i + 1 }
  if (w === 'annual' || w === 'annually' || w === 'quarterly' || w === 'daily') return { label: 'DATE', first: i, end: i + 1 }

  // day month [year]: "03 March 1847", "3rd of March"
  if (DAY_NUMBER.test(w) && (t.types[i] === 'number' || t.types[i] === 'ordinal')) {
    let m = i + 1
    if (t.lower[m] === 'of') m++
    if (MONTHS.has(t.lower[m] ?? '') && /^\p{Lu}/u.test(t.words[m] ?? '')) {
      let e = m + 1
      if (t.lower[e] === ',') e++
      const y = yearEnd(t, e)
      return { label: 'DATE', first: i, end: y > e ? y : m + 1 }
    }
  }
  // month [day] [, year] / month year / month alone
  if (MONTHS.has(w) && /^\p{Lu}/u.test(t.words[i] ?? '')) {
    let e = i + 1
    if (DAY_NUMBER.test(t.lower[e] ?? '') && !YEAR.test(t.lower[e] ?? '')) {
      e++
      const c = t.lower[e] === ',' ? e + 1 : e
      const y = yearEnd(t, c)
      return { label: 'DATE', first: i, end: y > c ? y : e }
    }
    const y = yearEnd(t, e)
    if (y > e) return { label: 'DATE', first: i, end: y }
    // "May" and "March" alone are often the verb or the name
    if ((w === 'may' || w === 'march') && !['in', 'on', 'since', 'until', 'by', 'of', 'last', 'next', 'early', 'late', 'mid', 'through', 'from', 'this'].includes(t.lower[i - 1] ?? '')) return undefined
    return { label: 'DATE', first: i, end: i + 1 }
  }
  if (WEEKDAYS.has(w) && /^\p{Lu}/u.test(t.words[i] ?? '')) {
    // "Tuesday, March 3"
    if (t.lower[i + 1] === ',' && MONTHS.has(t.lower[i + 2] ?? '')) {
      const inner = date(t, i + 2)
      if (inner !== undefined) return { label: 'DATE', first: i, end: inner.end }
    }
    return { label: 'DATE', first: i, end: i + 1 }
  }
  if (SEASONS.has(w) && (YEAR.test(t.lower[i + 1] ?? '') || (t.lower[i + 1] === 'of' && YEAR.test(t.lower[i + 2] ?? '')))) {
    return { label: 'DATE', first: i, end: t.lower[i + 1] === 'of' ? i + 3 : i + 2 }
  }

  // "last year", "this week", "next Tuesday", "the past decade", "earlier this year", "recent years"
  if (RELATIVE.has(w)) {
    const next = t.lower[i + 1] ?? ''
    if (w === 'earlier' || w === 'later') {
      if (next === 'this' || next === 'last' || next === 'next') {
        const inner = date(t, i + 1)
        if (inner !== undefined) return { label: 'DATE', first: i, end: inner.end }
      }
      return undefined
    }
    if (DATE_UNITS.has(next) || WEEKDAYS.has(next) || SEASONS.has(next) || (MONTHS.has(next) && /^\p{Lu}/u.test(t.words[i + 1] ?? ''))) {
      if ((w === 'same' || w === 'following' || w === 'current' || w === 'early' || w === 'late' || w === 'mid') && !['year', 'month', 'week', 'decade', 'century', 'quarter'].includes(next)) return undefined
      if (w === 'recent' && !['years', 'months', 'weeks', 'decades', 'days'].includes(next)) return undefined
      if (next === 'term' || next === 'season' || next === 'seasons' || next === 'quarter' || next === 'quarters') {
        if (w !== 'last' && w !== 'next' && w !== 'this' && w !== 'past' && w !== 'previous' && w !== 'coming') return undefined
      }
      return { label: 'DATE', first: i, end: i + 2 }
    }
    // "the past five years", "the last two decades"
    if (w === 'past' || w === 'last' || w === 'next' || w === 'coming' || w === 'previous') {
      const end = numberEnd(t, i + 1)
      if (end > i + 1 && DATE_UNITS.has(t.lower[end] ?? '')) return { label: 'DATE', first: i, end: end + 1 }
    }
    return undefined
  }
  // "the 19th century", "the third quarter", "the first half of 2024"
  if (ORDINALS.has(w) || ORDINAL_DIGITS.test(w)) {
    let e = i + 1
    if (t.lower[e] === '-' && joined(t, e)) e++
    const next = t.lower[e] ?? ''
    if (next === 'century' || next === 'quarter' || next === 'millennium') {
      if (next === 'quarter' && YEAR.test(t.lower[e + 2] ?? '') && t.lower[e + 1] === 'of') return { label: 'DATE', first: i, end: e + 3 }
      return { label: 'DATE', first: i, end: e + 1 }
    }
    if (next === 'half' && t.lower[e + 1] === 'of' && YEAR.test(t.lower[e + 2] ?? '')) return { label: 'DATE', first: i, end: e + 3 }
    return undefined
  }
  // "aged 66": an age is a date in OntoNotes
  if (t.lower[i - 1] === 'aged' && /^\d{1,3}$/u.test(w)) return { label: 'DATE', first: i, end: i + 1 }
  const y = yearEnd(t, i)
  if (y > i) {
    const next = t.lower[y] ?? ''
    // "2019 people", "1,500 units": a count, not a year
    if (MEASURES.has(next) || SCALES.has(next) || next === '%' || CURRENCY_WORDS.has(next)) return undefined
    if (NOT_AFTER.has(t.lower[i - 1] ?? '')) return undefined
    if (SYMBOLS.has(t.lower[i - 1] ?? '') || t.types[i - 1] === 'currency') return undefined
    return { label: 'DATE', first: i, end: y }
  }

  // "five years", "a decade", "two decades ago", "36-year-old", "a 10-year deal"
  const end = w === 'a' || w === 'an' ? i + 1 : numberEnd(t, i)
  const unitAt = t.lower[end] === '-' && joined(t, end) ? end + 1 : end
  if ((end > i || w === 'a' || w === 'an') && DATE_UNITS.has(t.lower[unitAt] ?? '') && t.lower[unitAt] !== 'term' && t.lower[unitAt] !== 'season' && t.lower[unitAt] !== 'seasons') {
    const unit = t.lower[unitAt] ?? ''
    const after = t.lower[unitAt + 1] ?? ''
    const modified = MODIFIERS.has(t.lower[i - 1] ?? '') || t.lower[i - 1] === 'than'
    if (w === 'a' || w === 'an') {
      // "a decade", "a year ago", "less than a month"; "a day" or "a week" alone is rarely what a reader would mark
      if (!(unit === 'decade' || unit === 'century' || after === 'ago' || modified)) return undefined
    }
    // "one day" is often "some day": a date only with "later", "earlier" or "ago"
    if (w === 'one' && unit === 'day' && after !== 'later' && after !== 'earlier' && after !== 'ago') return undefined
    let e = unitAt + 1
    if (t.lower[e] === 'ago' || t.lower[e] === 'earlier' || t.lower[e] === 'later') e++
    else if (t.lower[e] === '-' && t.lower[e + 1] === 'old' && joined(t, e)) e += 2
    else if (t.lower[e] === 'old') e++
    return { label: 'DATE', first: i, end: e }
  }
  if ((w === 'decades' || w === 'centuries') && t.lower[i - 1] !== 'the') return { label: 'DATE', first: i, end: i + 1 + (t.lower[i + 1] === 'ago' ? 1 : 0) }
  return undefined
}

/** "year to March", "12 months to May 2024", "quarter ended June": returns the end, or i. */
function periodTo (t: Numbered, i: number): number {
  let j = numberEnd(t, i)
  if (!DATE_UNITS.has(t.lower[j] ?? '')) return i
  j++
  if (!['to', 'ending', 'ended', 'through'].includes(t.lower[j] ?? '')) return i
  j++
  if (!MONTHS.has(t.lower[j] ?? '')) return i
  j++
  if (DAY_NUMBER.test(t.lower[j] ?? '') && !YEAR.test(t.lower[j] ?? '')) j++
  if (t.lower[j] === ',') j++
  const y = yearEnd(t, j)
  return y > j ? y : t.lower[j - 1] === ',' ? j - 1 : j
}

const ordinal: Rule = (t, i) => {
  const w = t.lower[i] ?? ''
  // "First World War", "Second Avenue": the ordinal belongs to the name
  if (/^\p{Lu}/u.test(t.words[i] ?? '') && /^\p{Lu}/u.test(t.words[i + 1] ?? '') && t.types[i + 1] === 'word' && !(t.opens[i] ?? false)) return undefined
  if (ORDINALS.has(w) || (ORDINAL_DIGITS.test(w) && t.types[i] !== 'number')) return { label: 'ORDINAL', first: i, end: i + 1 }
  return undefined
}

const cardinal: Rule = (t, i) => {
  const w = t.lower[i] ?? ''
  if (COMPACT_AMOUNT.test(w) || MULTIPLE.test(w)) return { label: 'CARDINAL', first: i, end: i + 1 }
  // fractions: "a fifth", "two thirds", "three quarters"
  if ((w === 'a' || w === 'one' || UNITS.has(w)) && FRACTIONS.has(t.lower[i + 1] ?? '') && !SCALES.has(w)) {
    if (w === 'a' && t.lower[i + 1] === 'half' && t.lower[i + 2] !== 'of') return undefined
    return { label: 'CARDINAL', first: i, end: i + 2 }
  }
  const end = numberEnd(t, i)
  if (end === i) return undefined
  if (w === 'one' || w === 'a' || w === 'an') {
    const prev = t.lower[i - 1] ?? ''
    // the pronoun: "no one", "the one", "one another"
    if (end === i + 1 && (['no', 'any', 'every', 'each', 'the', 'this', 'that', 'which', 'some', 'someone', 'anyone'].includes(prev) || t.lower[i + 1] === 'another' || t.lower[i + 1] === "'s")) return undefined
  }
  if (w === 'half' || w === 'tens' || w === 'scores') return undefined
  if (w === 'one' && t.lower[i + 1] === 'day') return undefined
  // "5x", "6.7in", "30W" written apart by the tokeniser: a multiple, a measure
  if (end === i + 1 && joined(t, i + 1) && t.lower[i + 1] === 'x') return { label: 'CARDINAL', first: i, end: i + 2 }
  if (NOT_AFTER.has(t.lower[i - 1] ?? '') && /^\d/u.test(w)) return undefined
  return { label: 'CARDINAL', first: i, end }
}

// Longer and more specific first: a date or an amount is not also a count.
const RULES: readonly Rule[] = [money, percent, time, date, quantity, ordinal, cardinal]

/**
 * Every numeric entity, left to right, none overlapping; each rule looks a few tokens ahead, and a
 * number's end is looked up (see Numbered), so linear whatever the run of number words.
 */
export function numericEntities (tokens: Tokens, checkpoint: () => void): Match[] {
  const t = numbered(tokens, checkpoint)
  const out: Match[] = []
  for (let i = 0; i < t.length;) {
    if ((i & 255) === 0) checkpoint()
    const at = afterModifier(t, i)
    let best: Match | undefined
    for (const rule of RULES) {
      const m = rule(t, at)
      if (m !== undefined && (best === undefined || m.end > best.end)) best = m
    }
    // a modifier counts only when a number follows it; "about" alone is nothing
    if (best !== undefined && at > i && best.label !== 'ORDINAL' && (best.label !== 'DATE' || isNumberAt(t, at))) best = { ...best, first: i }
    if (best !== undefined) {
      out.push(best)
      i = best.end
    } else {
      i++
    }
  }
  return out
}
