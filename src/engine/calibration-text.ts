// Ordinary prose of a few thousand characters, for the worker's warm-up and the engine's first cost measurement.

// Varied on purpose (people, places, dates, money, quotes, lists): a repeated sentence would
// measure one path through the analyses, and repeated names are their known worst case.
export const CALIBRATION_TEXT = [
  'Acme Corp said on Tuesday that it will cut 1,200 jobs in Germany as demand for its industrial robots slows. ' +
  'The company, based in Chicago, reported a 15% drop in quarterly revenue to $4.2 billion. Chief executive Maria ' +
  'Gonzalez told analysts that the cuts would save about $300 million a year, most of it at the plant in Munich.',
  'Ada Lovelace was born in London on 10 December 1815, the only legitimate child of the poet Lord Byron. Her ' +
  'mother, Anne Isabella Milbanke, insisted on lessons in mathematics and science. In 1833 she met Charles Babbage, ' +
  'who showed her a working part of his Difference Engine; a decade later she translated an article on his ' +
  'Analytical Engine by the Italian engineer Luigi Menabrea and added notes three times its length.',
  'The battery life is great and the noise cancellation works well on long flights. The ear cups get warm after ' +
  'two hours, though, and the app asks for far too many permissions. At $349 the headphones cost more than most ' +
  'rivals, but the sound is clear, the bass is tight, and the case fits in a coat pocket.',
  'Heavy rain is expected across the north of Scotland from Thursday evening, with up to 80 millimetres on high ' +
  'ground. The Met Office has issued a yellow warning for Inverness and Aberdeen until Saturday morning. Ferry ' +
  'services to Orkney and Shetland may be cancelled, and drivers are asked to allow extra time on the A9.',
  'Researchers at the University of Toronto have trained a model that reads chest X-rays in under a second. In a ' +
  'trial with 4,000 patients at three hospitals, it flagged pneumonia as often as a panel of radiologists did. ' +
  '"It is a second reader, not a replacement," said Dr. Priya Raman, who led the study with colleagues in Ottawa.',
  'The council voted 7 to 2 on Monday night to turn the old rail yard into a park with a library, a market hall ' +
  'and 300 homes, a third of them affordable. Construction starts in spring 2026 and should take four years. ' +
  'Residents who opposed the plan said the new towers would shade the river path for most of the afternoon.',
  'Mix the flour, the sugar and a pinch of salt, then rub in the cold butter until the mixture looks like ' +
  'breadcrumbs. Add one beaten egg and two spoons of milk, press the dough into a disc and chill it for thirty ' +
  'minutes. Bake at 180 degrees for twenty minutes, or until the edges turn golden, and leave it to cool on a rack.',
  'On 20 July 1969, Neil Armstrong and Buzz Aldrin landed the lunar module Eagle in the Sea of Tranquility while ' +
  'Michael Collins orbited above in Columbia. About 650 million people watched the first steps on television. ' +
  'The crew returned to Earth four days later, splashing down in the Pacific Ocean south-west of Hawaii.'
].join('\n\n')
