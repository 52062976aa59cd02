// @ts-check
// The POST bodies: a ~600-character English paragraph, the same every time or made unique per request.
export const paragraph =
  'Ada Lovelace, the daughter of the poet Lord Byron, met Charles Babbage in London in 1833 and soon ' +
  'became fascinated by his plans for the Analytical Engine. In 1843 she translated an article by the ' +
  'Italian engineer Luigi Menabrea and added her own notes, which were three times longer than the ' +
  'original. In those notes she described how the machine could compute Bernoulli numbers, a method now ' +
  'often called the first computer program. She also argued that such an engine might one day compose ' +
  'music or handle any symbols, not only numbers. Her ideas were largely ignored for a century, until ' +
  'Alan Turing and others revisited them.'

/** The same text every time (the cached scenario). */
export const body = JSON.stringify({ text: paragraph })

/**
 * A unique text is the paragraph plus a request number: the body is PREFIX + n + SUFFIX. Uncached
 * scenarios send one per request, so neither the cache nor coalescing can flatter the service.
 */
export const uniquePrefix = JSON.stringify({ text: `${paragraph} Request ` }).slice(0, -2)
export const uniqueSuffix = '."}'
