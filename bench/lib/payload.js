// @ts-check
// The one POST body every target gets: a ~600-character English paragraph.
export const paragraph =
  'Ada Lovelace, the daughter of the poet Lord Byron, met Charles Babbage in London in 1833 and soon ' +
  'became fascinated by his plans for the Analytical Engine. In 1843 she translated an article by the ' +
  'Italian engineer Luigi Menabrea and added her own notes, which were three times longer than the ' +
  'original. In those notes she described how the machine could compute Bernoulli numbers, a method now ' +
  'often called the first computer program. She also argued that such an engine might one day compose ' +
  'music or handle any symbols, not only numbers. Her ideas were largely ignored for a century, until ' +
  'Alan Turing and others revisited them.'

export const body = JSON.stringify({ text: paragraph })
