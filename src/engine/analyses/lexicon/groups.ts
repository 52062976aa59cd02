// Nationalities, religious and political groups (NORP), and languages (LANGUAGE).

const DEMONYMS = 'Afghan|Albanian|Algerian|American|Andorran|Angolan|Argentine|Argentinian|Armenian|Australian|Austrian|' +
  'Azerbaijani|Bahamian|Bahraini|Bangladeshi|Barbadian|Belarusian|Belgian|Beninese|Bhutanese|Bolivian|Bosnian|Brazilian|British|' +
  'Bruneian|Bulgarian|Burmese|Burundian|Cambodian|Cameroonian|Canadian|Chadian|Chilean|Chinese|Colombian|Congolese|Costa Rican|' +
  'Croatian|Cuban|Cypriot|Czech|Danish|Dominican|Dutch|Ecuadorian|Egyptian|Emirati|English|Eritrean|Estonian|Ethiopian|Fijian|' +
  'Filipino|Finnish|French|Gabonese|Gambian|Georgian|German|Ghanaian|Greek|Guatemalan|Guinean|Haitian|Honduran|Hungarian|' +
  'Icelandic|Indian|Indonesian|Iranian|Iraqi|Irish|Israeli|Italian|Ivorian|Jamaican|Japanese|Jordanian|Kazakh|Kenyan|Korean|' +
  'Kosovar|Kuwaiti|Kyrgyz|Lao|Laotian|Latvian|Lebanese|Liberian|Libyan|Lithuanian|Luxembourgish|Malagasy|Malawian|Malaysian|' +
  'Maldivian|Malian|Maltese|Mauritanian|Mauritian|Mexican|Moldovan|Mongolian|Montenegrin|Moroccan|Mozambican|Namibian|Nepali|' +
  'Nepalese|New Zealander|Nicaraguan|Nigerian|Nigerien|North Korean|Norwegian|Omani|Pakistani|Palestinian|Panamanian|Paraguayan|' +
  'Persian|Peruvian|Polish|Portuguese|Qatari|Romanian|Russian|Rwandan|Salvadoran|Saudi|Scottish|Senegalese|Serbian|Singaporean|' +
  'Slovak|Slovenian|Somali|South African|South Korean|Spanish|Sri Lankan|Sudanese|Swedish|Swiss|Syrian|Taiwanese|Tajik|' +
  'Tanzanian|Thai|Tibetan|Togolese|Tunisian|Turkish|Turkmen|Ugandan|Ukrainian|Uruguayan|Uzbek|Venezuelan|Vietnamese|Welsh|' +
  'Yemeni|Zambian|Zimbabwean|European|Asian|African|Arab|Latino|Latina|Hispanic|Caribbean|Nordic|Scandinavian|Slavic|Balkan|' +
  'Western|Soviet|Roman|Greek|Byzantine|Ottoman|Norman|Saxon|Anglo-Saxon|Viking|Celtic|Gaelic|Kurdish|Pashtun|Punjabi|Bengali|' +
  'Tamil|Sikh|Maori|Māori|Aboriginal|Indigenous|Inuit|Basque|Catalan|Flemish|Walloon|Bavarian|Prussian|Sicilian|Corsican|Texan|' +
  'Californian|Parisian|Londoner|Muscovite|Cantonese|Han|Uyghur|Uighur|Rohingya|Hutu|Tutsi|Yoruba|Igbo|Zulu|Xhosa|Berber|Bedouin|' +
  'Christian|Catholic|Roman Catholic|Protestant|Anglican|Evangelical|Orthodox|Methodist|Baptist|Lutheran|Mormon|Muslim|Islamic|' +
  'Sunni|Shia|Shiite|Jewish|Jew|Hindu|Buddhist|Jain|Zoroastrian|Atheist|' +
  'Republican|Democrat|Democratic|Conservative|Labour|Liberal|Liberal Democrat|Tory|Socialist|Communist|Marxist|Nazi|Fascist|' +
  'Bolshevik|Green|Gaullist|Peronist|Maoist|Brexiteer|Remainer|Zionist|Jacobite|Puritan|Quaker|Huguenot'

const PLURALS: Readonly<Record<string, string>> = { Jew: 'Jews', Tory: 'Tories', Swiss: 'Swiss', Chinese: 'Chinese', Japanese: 'Japanese' }
const NO_PLURAL = /(?:ish|ese|ch|ss|Swiss|Thai|Lao|Dutch|Sikh|Han|Democratic|Islamic|Jewish|Orthodox|Western|Indigenous|Aboriginal)$/u

/** Every group name and its plural ("Indian", "Indians"; "Tory", "Tories"). */
export function norpNames (): string[] {
  const out: string[] = []
  for (const name of DEMONYMS.split('|')) {
    out.push(name)
    const plural = PLURALS[name] ?? (NO_PLURAL.test(name) ? undefined : `${name}s`)
    if (plural !== undefined && plural !== name) out.push(plural)
  }
  out.push('Britons', 'Brits', 'Englishmen', 'Frenchmen', 'Scots', 'Danes', 'Finns', 'Poles', 'Swedes', 'Turks', 'Serbs',
    'Croats', 'Czechs', 'Slovaks', 'Kurds', 'Arabs', 'Dutchmen', 'Irishmen', 'Americans', 'Latinos', 'Muslims', 'Democrats')
  return out
}

/** Names that are only languages; a nationality word is a LANGUAGE after "in", "speak" and the like. */
export const LANGUAGES = 'Mandarin|Cantonese|Hindi|Urdu|Swahili|Esperanto|Latin|Sanskrit|Hebrew|Yiddish|Tagalog|Farsi|Gujarati|' +
  'Marathi|Telugu|Kannada|Malayalam|Tamil|Bengali|Punjabi|Amharic|Hausa|Yoruba|Igbo|Zulu|Afrikaans|Catalan|Basque|Gaelic|' +
  'Welsh|Old English|Middle English|Old Norse|Norman French|Anglo-Norman|Ancient Greek|Aramaic|Klingon|English|French|German|' +
  'Spanish|Portuguese|Italian|Dutch|Russian|Arabic|Chinese|Japanese|Korean|Turkish|Polish|Greek|Swedish|Norwegian|Danish|' +
  'Finnish|Hungarian|Czech|Romanian|Ukrainian|Vietnamese|Thai|Indonesian|Malay|Persian'

/** Only ever languages, whatever the context. */
export const ONLY_LANGUAGES = new Set(['Mandarin', 'Hindi', 'Urdu', 'Swahili', 'Esperanto', 'Latin', 'Sanskrit', 'Hebrew',
  'Yiddish', 'Tagalog', 'Farsi', 'Gujarati', 'Marathi', 'Telugu', 'Kannada', 'Malayalam', 'Amharic', 'Afrikaans', 'Arabic',
  'Old English', 'Middle English', 'Old Norse', 'Norman French', 'Anglo-Norman', 'Ancient Greek', 'Aramaic', 'Malay'])
