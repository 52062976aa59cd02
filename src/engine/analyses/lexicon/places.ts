// Places by OntoNotes label: countries, states and cities are GPE; continents, regions and natural features LOC.

export const COUNTRIES = 'Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|Austria|Azerbaijan|' +
  'Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia|Bosnia and Herzegovina|Botswana|Brazil|' +
  'Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|Cameroon|Canada|Cape Verde|Chad|Chile|China|Colombia|Comoros|Congo|' +
  'Democratic Republic of Congo|Democratic Republic of the Congo|Costa Rica|Croatia|Cuba|Cyprus|Czech Republic|Czechia|Denmark|' +
  'Djibouti|Dominica|Dominican Republic|East Timor|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|Eswatini|Ethiopia|' +
  'Fiji|Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guinea-Bissau|Guyana|Haiti|Honduras|' +
  'Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Ivory Coast|Jamaica|Japan|Jordan|Kazakhstan|Kenya|Kiribati|' +
  'Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|' +
  'Malaysia|Maldives|Mali|Malta|Marshall Islands|Mauritania|Mauritius|Mexico|Micronesia|Moldova|Monaco|Mongolia|Montenegro|' +
  'Morocco|Mozambique|Myanmar|Burma|Namibia|Nauru|Nepal|Netherlands|Holland|New Zealand|Nicaragua|Niger|Nigeria|North Korea|' +
  'North Macedonia|Macedonia|Norway|Oman|Pakistan|Palau|Palestine|Panama|Papua New Guinea|Paraguay|Peru|Philippines|Poland|' +
  'Portugal|Qatar|Romania|Russia|Rwanda|Saint Lucia|Samoa|San Marino|Saudi Arabia|Senegal|Serbia|Seychelles|Sierra Leone|' +
  'Singapore|Slovakia|Slovenia|Solomon Islands|Somalia|South Africa|South Korea|Korea|South Sudan|Spain|Sri Lanka|Sudan|Suriname|' +
  'Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Togo|Tonga|Trinidad and Tobago|Trinidad|Tunisia|Turkey|Türkiye|' +
  'Turkmenistan|Tuvalu|Uganda|Ukraine|United Arab Emirates|UAE|United Kingdom|UK|U.K.|Britain|Great Britain|England|Scotland|' +
  'Wales|Northern Ireland|United States|United States of America|US|U.S.|USA|U.S.A.|America|Uruguay|Uzbekistan|Vanuatu|' +
  'Vatican|Vatican City|Venezuela|Vietnam|Yemen|Zambia|Zimbabwe|Hong Kong|Macau|Greenland|Puerto Rico|Gaza|West Bank|' +
  'Soviet Union|USSR|Prussia|Yugoslavia|Czechoslovakia|Ottoman Empire|Roman Empire|Byzantine Empire|Persia|Normandy|Brittany|' +
  'Bavaria|Catalonia|Flanders|Tibet|Xinjiang|Crimea|Donbas|Kashmir|Punjab|Bengal|Siberia|Silesia|Galicia|Lombardy|Tuscany|Sicily|Sardinia|Corsica'

export const STATES = 'Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Hawaii|Idaho|Illinois|' +
  'Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|' +
  'Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|' +
  'Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|' +
  'Washington D.C.|Washington, D.C.|D.C.|Ontario|Quebec|British Columbia|Alberta|Manitoba|Saskatchewan|Nova Scotia|' +
  'New South Wales|Queensland|Victoria|Tasmania|Western Australia|South Australia|Tamil Nadu|Karnataka|Kerala|Maharashtra|' +
  'Gujarat|Rajasthan|Uttar Pradesh|Bihar|West Bengal|Telangana|Andhra Pradesh|Assam|Odisha|Goa|Haryana|Madhya Pradesh|Delhi|' +
  'New Delhi|Guangdong|Sichuan|Zhejiang|Jiangsu|Hubei|Hunan|Fujian|Yunnan|Hainan|Shandong|Henan|Hebei|Bavaria|Saxony|Hesse|' +
  'Lower Saxony|North Rhine-Westphalia|Baden-Württemberg|Ile-de-France|Provence|Andalusia|Wallonia|Ulster|Cornwall|Yorkshire|' +
  'Kent|Essex|Surrey|Sussex|Devon|Lancashire|Cumbria|Oxfordshire|Cambridgeshire|Manhattan|Brooklyn|Queens|' +
  'the Bronx|Bronx|Staten Island|Harlem|Westminster|Whitehall|Mayfair|Soho|Hollywood|Bengaluru|Bangalore|Bombay|Madras|Calcutta|' +
  'Gurugram|Gurgaon|Noida|Cupertino|Palo Alto|Menlo Park|Mountain View|Redmond|Hawthorne|Boca Chica|Davos|Greenwich|Canterbury|' +
  'Hastings|Stratford|Windsor|Oxford|Cambridge|Eton|Harrow|Bath|Dover|Calais|Bayeux|Rouen|Falaise|Caen|Versailles|Geneva|Zurich|' +
  'Lausanne|Basel|Bern|Monaco|Kyiv|Kiev|Lviv|Odesa|Odessa|Kharkiv|Mariupol|Beijing|Peking|Shanghai|Shenzhen|Hangzhou|Wuhan|' +
  'Tianjin|Chongqing|Guangzhou|Canton|Pyongyang|Seoul|Tokyo|Osaka|Kyoto|Hiroshima|Nagasaki|Taipei|Hanoi|Saigon|Ho Chi Minh City|' +
  'Bangkok|Jakarta|Manila|Kuala Lumpur|Dhaka|Karachi|Lahore|Islamabad|Kabul|Tehran|Baghdad|Damascus|Beirut|Jerusalem|Tel Aviv|' +
  'Riyadh|Jeddah|Mecca|Medina|Dubai|Abu Dhabi|Doha|Muscat|Ankara|Istanbul|Constantinople|Athens|Rome|Milan|Turin|Naples|Venice|' +
  'Florence|Madrid|Barcelona|Lisbon|Porto|Paris|Lyon|Marseille|Nice|Bordeaux|Toulouse|Strasbourg|Brussels|Antwerp|Amsterdam|' +
  'Rotterdam|The Hague|Berlin|Munich|Hamburg|Frankfurt|Cologne|Stuttgart|Dresden|Leipzig|Bonn|Vienna|Prague|Warsaw|Krakow|Kraków|' +
  'Budapest|Bucharest|Sofia|Belgrade|Zagreb|Ljubljana|Bratislava|Vilnius|Riga|Tallinn|Helsinki|Stockholm|Oslo|Copenhagen|' +
  'Reykjavik|Dublin|Belfast|Edinburgh|Glasgow|Cardiff|London|Manchester|Liverpool|Birmingham|Leeds|Bristol|Sheffield|Newcastle|' +
  'Moscow|St Petersburg|St. Petersburg|Saint Petersburg|Minsk|Tbilisi|Yerevan|Baku|Astana|Tashkent|Cairo|Alexandria|Lagos|Abuja|' +
  'Nairobi|Addis Ababa|Johannesburg|Cape Town|Pretoria|Durban|Casablanca|Algiers|Tunis|Accra|Dakar|Kinshasa|Khartoum|Kampala|' +
  'Mumbai|Chennai|Kolkata|Hyderabad|Pune|Ahmedabad|Jaipur|Lucknow|Kochi|Coimbatore|Mysuru|Varanasi|Agra|Colombo|Kathmandu|' +
  'Sydney|Melbourne|Brisbane|Perth|Adelaide|Canberra|Auckland|Wellington|Toronto|Montreal|Vancouver|Ottawa|Calgary|Mexico City|' +
  'Havana|Bogotá|Bogota|Lima|Santiago|Buenos Aires|São Paulo|Sao Paulo|Rio de Janeiro|Brasília|Brasilia|Caracas|Quito|' +
  'New York City|NYC|Los Angeles|LA|San Francisco|San Jose|San Diego|Seattle|Portland|Chicago|Boston|Philadelphia|Pittsburgh|' +
  'Detroit|Cleveland|Atlanta|Miami|Orlando|Tampa|Houston|Dallas|Austin|San Antonio|Denver|Phoenix|Las Vegas|Salt Lake City|' +
  'Minneapolis|St. Louis|St Louis|Kansas City|Nashville|Memphis|New Orleans|Baltimore|Charlotte|Raleigh|Omaha|Anchorage|Honolulu'

/** Continents, regions and natural features: LOC. */
export const REGIONS = 'Europe|Asia|Africa|Antarctica|Oceania|North America|South America|Latin America|Central America|' +
  'Middle East|Near East|Far East|Southeast Asia|South Asia|East Asia|Central Asia|West Africa|East Africa|North Africa|' +
  'Southern Africa|Sub-Saharan Africa|Western Europe|Eastern Europe|Central Europe|Northern Europe|Southern Europe|Scandinavia|' +
  'Balkans|Caucasus|Caribbean|Pacific|Atlantic|Arctic|Antarctic|Mediterranean|Baltic|Sahara|Sahel|Himalayas|Alps|Andes|Rockies|' +
  'Amazon rainforest|Pacific Ocean|Atlantic Ocean|Indian Ocean|Arctic Ocean|Southern Ocean|Mediterranean Sea|Black Sea|' +
  'Red Sea|North Sea|Baltic Sea|South China Sea|East China Sea|Caspian Sea|Persian Gulf|Gulf of Mexico|English Channel|' +
  'Bay of Bengal|Arabian Sea|Nile|Thames|Seine|Rhine|Danube|Volga|Ganges|Yangtze|Mississippi River|Amazon River|Mekong|' +
  'Everest|Mount Everest|Mont Blanc|Kilimanjaro|Sinai|Arabian Peninsula|Korean Peninsula|Iberian Peninsula|Indo-Pacific|' +
  'Gulf|Great Lakes|Midwest|Deep South|New England|Pacific Northwest|West Coast|East Coast|Bay Area|Outback|Highlands|' +
  'Global South|Silicon Valley|Wall Street|Cape of Good Hope|Strait of Hormuz|Taiwan Strait|Suez|Panama Canal|Silk Road|Northern Hemisphere|Southern Hemisphere|' +
  'Earth|Moon|Mars|Venus|Jupiter|Saturn|Mercury|Solar System|Milky Way'
