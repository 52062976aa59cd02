// The words and helpers the name rules share: cue words around a name, head words, and a run's text as a key.
import { HEADS } from './lexicon/index.js'
import type { Tokens } from './tokens.js'
import { joined } from './tokens.js'

const words = (s: string): ReadonlySet<string> => new Set(s.split('|'))

export const MONTHS_DAYS = words('January|February|March|April|May|June|July|August|September|October|November|December|' +
  'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec')
// Lower-case particles inside a person's name: "Leonardo da Vinci", "Ursula von der Leyen".
export const PARTICLES = words('da|de|del|della|der|den|di|dos|das|du|la|le|van|von|bin|ibn|al|el|ter|ten|y|zu')
// Lower-case words before a name that make it a person: "chief executive Maria Gonzalez", "poet Lord Byron".
export const ROLE_WORDS = words('executive|president|minister|premier|chancellor|senator|governor|mayor|director|founder|' +
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
export const ORG_NOUNS = words('company|companies|firm|firms|startup|start-up|startups|business|group|giant|maker|carmaker|' +
  'automaker|chipmaker|retailer|platform|app|marketplace|lender|bank|insurer|broker|brokerage|fund|investor|backer|' +
  'conglomerate|unicorn|brand|chain|operator|airline|carrier|publisher|broadcaster|network|developer|manufacturer|' +
  'producer|supplier|agency|consultancy|consultants|outlet|newspaper|channel|studio|label|provider|service|rival|' +
  'rivals|competitor|competitors|subsidiary|parent|owner|acquirer|startup|venture|utility|exchange|regulator|watchdog|' +
  'charity|nonprofit|non-profit|organisation|organization|university|institute|club|team|side|party|union|' +
  'distributor|distributer|aggregator|e-tailer|portal|website|site|tabloid|magazine|daily|paper|wire|firm’s|peers')
export const ORG_OWNED = words('shares|stock|stocks|share|revenue|revenues|profit|profits|sales|earnings|valuation|' +
  'headquarters|employees|staff|workers|board|shareholders|investors|customers|users|app|platform|website|ceo|' +
  'cfo|founders|founder|co-founder|spokesperson|spokesman|spokeswoman|subsidiary|unit|division|market|brand|' +
  'stores|factory|factories|plant|plants|products|services|software|chips|cars|vehicles|rockets|fleet|drivers|riders|' +
  'listing|ipo|results|quarterly|annual|executives|management|chairman|chief')
export const SPEECH = words('said|says|told|added|wrote|argued|recalled|explained|noted|believes|thinks|insisted|warned|' +
  'claimed|replied|admitted|announced|tweeted|posted|stated|remarked|asked|answered|declared|testified|joked|' +
  'conceded|acknowledged|observed|suggested|predicted|urged|described|recounted|married|died|was|is|had|has|grew|' +
  'became|joined|founded|studied|moved|returned|met|won|lost|left|resigned|smiled|laughed|spoke')
export const PLACE_BEFORE = words('in|near|outside|across|throughout|around|to|from|via|towards|toward|into|between|' +
  'within|inside|at')
export const PERSON_BEFORE = words('by|with|and|for|against|told|thanked|met|married|meet|beat|defeated|succeeded|replaced|' +
  'appointed|named|elected|nominated|hired|fired|interviewed|according')
export const LANGUAGE_BEFORE = words('in|into|speak|speaks|spoke|spoken|speaking|learn|learned|learnt|learning|fluent|' +
  'translated|translate|translation|teach|taught|write|wrote|written|native')
export const BASED = words('based|headquartered|born|bred|listed|registered|owned|made|built')
// Determiners and the like that start a run only because they start a sentence.
export const LEADING = words('The|A|An|This|That|These|Those|Its|His|Her|Their|Our|My|Your|In|On|At|For|From|By|With|As|' +
  'But|And|Or|If|When|While|After|Before|Since|Under|Over|During|Despite|Although|Though|Because|Unlike|Like|' +
  'According|Meanwhile|However|Still|Yet|Also|Then|Now|Today|Yesterday|Here|There|Some|Many|Most|All|Both|Each|' +
  'Every|Several|Few|Other|Another|Such|No|Not|So|To|Of|Why|How|What|Which|Who|Where|It|He|She|They|We|I|You|' +
  'Former|Even|Only|Just|Already|Once|Twice|Among|Amid|Against|Across|Through')
// A run of only these is no name: "State", "Government", "Court".
export const GENERIC = words('State|States|Government|Court|Party|Group|Company|University|City|Council|Ministry|Department|' +
  'Office|Board|Committee|Commission|Agency|Service|Services|Bank|Minister|President|Premier|Chief|Executive|' +
  'Director|Chairman|Secretary|General|Senator|Mayor|Governor|Internet|Web|Net|God|Lord|Parliament|Senate|Act|Bill|' +
  'Constitution|Treaty|Prize|Award|Street|Road|Avenue|Square|River|Lake|Sea|Ocean|Island|Mountain|North|South|East|' +
  'West|Northern|Southern|Eastern|Western|Central|Photo|Photograph|Image|Picture|Caption|Credit|Source|Update|Updated|' +
  'Editor|Note|Read|More|Related|Share|Subscribe|Sign|Click|Watch|Listen|Advertisement|Sponsored|Contents|Chapter|' +
  'Section|Figure|Table|Appendix|Introduction|Conclusion|Summary|Abstract|Background|Methods|Results|Discussion|' +
  'Verdict|Pros|Cons|Price|Rating|Specs|Design|Performance|Battery|Display|Camera|Software|Sound|Value|Q|A|OK|Ok|' +
  'Yes|No|Mr|Mrs|Ms|Dr|Sir|Madam|Professor|Captain|Doctor|Uncle|Aunt|Mom|Mum|Dad|Father|Mother|Grandma|Grandpa')

export type NameLabel = 'PERSON' | 'NORP' | 'FAC' | 'ORG' | 'GPE' | 'LOC' | 'PRODUCT' | 'EVENT' | 'LAW' | 'LANGUAGE' | 'WORK_OF_ART'

export interface Piece {
  first: number
  /** exclusive */
  end: number
  label: NameLabel | undefined
  /** a weak label is a guess that another mention of the same name may overrule */
  weak: boolean
}

/** The text of tokens first..end as a key: spaces where the text has any, none where tokens touch. */
export function keyOf (t: Tokens, first: number, end: number): string {
  let key = t.words[first] ?? ''
  for (let i = first + 1; i < end; i++) key += (joined(t, i) ? '' : ' ') + (t.words[i] ?? '')
  return key
}

export function hasOf (t: Tokens, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (t.words[k] === 'of') return true
  return false
}

export function isHead (w: string): boolean {
  return HEADS.ORG.has(w) || HEADS.FAC.has(w) || HEADS.LOC.has(w) || HEADS.EVENT.has(w) || HEADS.LAW.has(w) ||
    HEADS.WORK_OF_ART.has(w) || HEADS.GPE.has(w)
}

/** Labels by head word, in the order a head is trusted. */
export const HEAD_LABELS = [['ORG', HEADS.ORG], ['FAC', HEADS.FAC], ['GPE', HEADS.GPE], ['LOC', HEADS.LOC], ['EVENT', HEADS.EVENT],
  ['LAW', HEADS.LAW], ['WORK_OF_ART', HEADS.WORK_OF_ART]] as const
/** A first word that names what follows: "Mount Everest", "County Cork", "Rue Dauphine". */
export const PREFIX_LABELS: Readonly<Record<string, NameLabel>> = {
  Mount: 'LOC',
  Mt: 'LOC',
  'Mt.': 'LOC',
  Lake: 'LOC',
  Cape: 'LOC',
  Isle: 'LOC',
  County: 'GPE',
  Rue: 'FAC',
  Via: 'FAC',
  Fort: 'FAC',
  Camp: 'FAC',
  Proposition: 'LAW',
  Prop: 'LAW',
  Article: 'LAW',
  Section: 'LAW',
  Amendment: 'LAW',
  Operation: 'EVENT'
}
// "Pixel 8 Pro", "iPhone 15 Pro Max": what follows a product's number
export const MODEL_SUFFIX = words('Pro|Max|Ultra|Plus|Mini|Air|SE|Lite|Fold|Flip|XL|Neo|Edge|Note|Turbo|Sport|Classic')

export const OFFICES = words('Defence|Defense|Commerce|Energy|Treasury|Education|Health|Transport|Transportation|Agriculture|' +
  'Labor|Labour|Interior|Justice|Homeland|Finance|Foreign|Home|Trade|Industry|Culture|Science|Environment|Housing|Staff|' +
  'State|Affairs|Exchequer|Works|War|Navy|Army|Police|Arms|Ceremonies|Board|Directors|Studies|Research|Operations')
export const COMPASS = words('North|South|East|West|Northern|Southern|Eastern|Western|Central|Upper|Lower|Greater|Inner|Outer|' +
  'Northeast|Northwest|Southeast|Southwest|Northeastern|Northwestern|Southeastern|Southwestern|Coastal|Rural|Old|New')
export const ARRIVE = words('landed|arrived|docked|stopped|camped|born|died|lived|settled|fought|buried|based|raised|grew|' +
  'stationed|crowned|held|opened|located|situated|headquartered')
