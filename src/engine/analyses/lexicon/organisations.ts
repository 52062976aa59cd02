// Organisations a reader knows by name, and the words that make a capitalised name an ORG, FAC, LOC, EVENT or LAW.

/** Companies, institutions, media, teams and agencies, as usually written. */
export const ORGANISATIONS = 'Apple|Google|Alphabet|Microsoft|Amazon|Meta|Facebook|Instagram|WhatsApp|Netflix|Tesla|SpaceX|' +
  'Twitter|X Corp|xAI|OpenAI|Anthropic|DeepMind|Nvidia|NVIDIA|Intel|AMD|Qualcomm|Arm|IBM|Oracle|Salesforce|Adobe|Cisco|Dell|HP|' +
  'Samsung|Sony|Panasonic|Toshiba|Hitachi|Nintendo|LG|Huawei|Xiaomi|Lenovo|Alibaba|Tencent|Baidu|ByteDance|TikTok|JD.com|' +
  'Foxconn|TSMC|ASML|SAP|Siemens|Bosch|BASF|Bayer|Volkswagen|BMW|Mercedes-Benz|Daimler|Porsche|Audi|Toyota|Honda|Nissan|' +
  'Hyundai|Kia|Ford|General Motors|GM|Chrysler|Stellantis|Fiat|Renault|Peugeot|Volvo|Ferrari|Rivian|Lucid|BYD|Uber|Lyft|' +
  'Airbnb|DoorDash|Instacart|Spotify|Shopify|Stripe|PayPal|Visa|Mastercard|American Express|Goldman Sachs|Morgan Stanley|' +
  'JPMorgan|JPMorgan Chase|JP Morgan|Citigroup|Citi|Bank of America|Wells Fargo|BlackRock|Vanguard|Berkshire Hathaway|' +
  'Barclays|HSBC|Lloyds|NatWest|Standard Chartered|Deutsche Bank|UBS|Credit Suisse|BNP Paribas|Santander|ING|Nomura|SoftBank|' +
  'Sequoia|Andreessen Horowitz|Tiger Global|Accel|Lightspeed|McKinsey|Bain|Boston Consulting Group|BCG|Deloitte|PwC|KPMG|' +
  'EY|Ernst & Young|Accenture|Infosys|Wipro|Tata|Tata Group|Tata Motors|Tata Steel|Tata Consultancy Services|TCS|Reliance|' +
  'Reliance Industries|Jio|Adani|Adani Group|Mahindra|Bajaj|Infosys|HDFC|ICICI|Flipkart|Paytm|Zomato|Swiggy|Ola|Byju\'s|' +
  'Udaan|Zepto|Meesho|Nykaa|PhonePe|Razorpay|Freshworks|Walmart|Target|Costco|Kroger|Tesco|Sainsbury\'s|Asda|Aldi|Lidl|' +
  'Carrefour|IKEA|Ikea|H&M|Zara|Inditex|Nike|Adidas|Puma|Unilever|Nestlé|Nestle|Procter & Gamble|P&G|Coca-Cola|PepsiCo|' +
  'Pepsi|McDonald\'s|Starbucks|KFC|Burger King|Kraft Heinz|Mondelez|Danone|Heineken|Diageo|AB InBev|Pfizer|Moderna|' +
  'BioNTech|AstraZeneca|Johnson & Johnson|Merck|Novartis|Roche|Sanofi|GSK|GlaxoSmithKline|Novo Nordisk|Eli Lilly|Lilly|' +
  'AbbVie|Amgen|Gilead|Exxon|ExxonMobil|Exxon Mobil|Chevron|Shell|BP|TotalEnergies|Total|Aramco|Saudi Aramco|ConocoPhillips|' +
  'Hess|Occidental|Gazprom|Rosneft|Petrobras|Equinor|Eni|Repsol|Boeing|Airbus|Lockheed Martin|Raytheon|Northrop Grumman|' +
  'General Electric|GE|Rolls-Royce|BAE Systems|Embraer|Delta|United Airlines|American Airlines|Southwest|Ryanair|easyJet|' +
  'Lufthansa|Air France|KLM|British Airways|Emirates|Qatar Airways|Singapore Airlines|Qantas|IndiGo|Air India|FedEx|UPS|DHL|' +
  'Maersk|AT&T|Verizon|T-Mobile|Comcast|Vodafone|BT|Orange|Telefonica|Disney|Warner Bros|Warner Bros. Discovery|Paramount|' +
  'Universal|NBCUniversal|Pixar|Marvel|HBO|Hulu|CNN|CNBC|BBC|NBC|CBS|ABC|Fox|Fox News|MSNBC|Bloomberg|Reuters|Associated Press|' +
  'AP|AFP|The New York Times|New York Times|Washington Post|Wall Street Journal|Financial Times|The Economist|Economist|' +
  'The Guardian|Guardian|The Times|Times of India|The Hindu|Al Jazeera|Le Monde|Der Spiegel|Forbes|Fortune|TechCrunch|Wired|' +
  'Politico|Axios|Nature|Science|Lancet|Wikipedia|YouTube|LinkedIn|Reddit|Snapchat|Snap|Pinterest|Zoom|Slack|Dropbox|' +
  'GitHub|GitLab|Mozilla|Linux Foundation|Red Hat|Canonical|Cloudflare|Akamai|Fastly|Palantir|Snowflake|Databricks|' +
  'Coinbase|Binance|FTX|Robinhood|Revolut|Monzo|Klarna|Wise|Ant Group|Alipay|WeChat|Didi|Grab|Gojek|Sea|Shopee|Rakuten|' +
  'Mitsubishi|Sumitomo|Mitsui|Fujitsu|Canon|Nikon|Yamaha|Suzuki|Mazda|Subaru|Glencore|Rio Tinto|BHP|Vale|ArcelorMittal|' +
  'Nasdaq|NYSE|New York Stock Exchange|London Stock Exchange|LSE|Sensex|FTSE|Dow Jones|S&P|Moody\'s|Fitch|Nielsen|Gartner|' +
  'IDC|Counterpoint|Canalys|PitchBook|Crunchbase|Morningstar|Refinitiv|' +
  'United Nations|UN|NATO|Nato|European Union|EU|European Commission|European Parliament|European Central Bank|ECB|' +
  'International Monetary Fund|IMF|World Bank|World Health Organization|WHO|World Trade Organization|WTO|OPEC|Opec|' +
  'G7|G20|ASEAN|African Union|Red Cross|Amnesty International|Greenpeace|Oxfam|Interpol|Federal Reserve|Fed|' +
  'Bank of England|Bank of Japan|Reserve Bank of India|RBI|People\'s Bank of China|Treasury|Pentagon|White House|Kremlin|' +
  'Downing Street|Congress|Senate|House of Representatives|House of Commons|House of Lords|Parliament|Supreme Court|' +
  'Lok Sabha|Rajya Sabha|Bundestag|Duma|Knesset|FBI|CIA|NSA|NASA|ESA|ISRO|FDA|SEC|FTC|FCC|EPA|IRS|DOJ|Justice Department|' +
  'State Department|Department of Defense|Department of Justice|Home Office|Foreign Office|Ministry of Defence|MI5|MI6|' +
  'NHS|Ofcom|Ofgem|CMA|Competition and Markets Authority|SEBI|Sebi|CCI|Competition Commission of India|NITI Aayog|' +
  'Labour|Labour Party|Conservative Party|Tories|Democratic Party|Republican Party|GOP|BJP|Bharatiya Janata Party|Congress Party|' +
  'Indian National Congress|Communist Party|CCP|Liberal Democrats|SNP|Sinn Féin|Sinn Fein|Likud|Hamas|Hezbollah|Taliban|' +
  'Harvard|Harvard University|Yale|Princeton|Stanford|Stanford University|MIT|Caltech|Oxford University|Cambridge University|' +
  'University of Oxford|University of Cambridge|Imperial College|Imperial College London|LSE|Sorbonne|ETH Zurich|' +
  'Columbia University|University of Chicago|Berkeley|UC Berkeley|IIT|IIT Madras|IIT Bombay|IIT Delhi|IIM|Royal Society|' +
  'Royal Institution|Académie des Sciences|Nobel Committee|Smithsonian|British Museum|Louvre|Metropolitan Museum of Art|' +
  'National Gallery|Tate|Tate Modern|MoMA|Guggenheim|Olympic Committee|IOC|FIFA|UEFA|ICC|BCCI|NBA|NFL|MLB|NHL|Premier League|' +
  'Manchester United|Manchester City|Liverpool FC|Chelsea|Arsenal|Tottenham|Real Madrid|Barcelona FC|FC Barcelona|Bayern Munich|' +
  'Juventus|Yankees|Lakers|Warriors|Mumbai Indians|Chennai Super Kings|Pulitzer|Booker|Academy|Grammy|Michelin|Vatican|' +
  'Church of England|Catholic Church|East India Company|Hudson\'s Bay Company|Standard Oil|Bell Labs|Xerox|Xerox PARC|Kodak|' +
  'Motorola|Nokia|Ericsson|BlackBerry|Yahoo|AOL|eBay|Etsy|Zillow|Expedia|Booking.com|Tripadvisor|Peloton|WeWork|Theranos|' +
  'Enron|Lehman Brothers|Bear Stearns|Fannie Mae|Freddie Mac|AIG|MetLife|Prudential|Allianz|AXA|Zurich Insurance|Aviva|' +
  'Legal & General|Schroders|Fidelity|Charles Schwab|Citadel|Bridgewater|KKR|Blackstone|Carlyle|Apollo|TPG|Warburg Pincus|' +
  'General Atlantic|Temasek|GIC|Mubadala|Norges Bank|Y Combinator|Techstars|Pony.ai|Waymo|Cruise|Zoox|Aurora|Mobileye|' +
  'Anduril|Starlink|Blue Origin|Virgin Galactic|Virgin|Rocket Lab|Arianespace|Roscosmos|CNSA|JAXA|Ola Electric|Ather|Hero|' +
  'Maruti Suzuki|Larsen & Toubro|L&T|Hindustan Unilever|ITC|Bharti Airtel|Airtel|Vodafone Idea|Asian Paints|Titan|Sun Pharma|' +
  'Dr. Reddy\'s|Cipla|Biocon|Zoho|InMobi|Dream11|CRED|Ola Cabs|OYO|Oyo|Lenskart|Delhivery|Dunzo|BigBasket|Blinkit|Myntra|' +
  'Snapdeal|Cognizant|HCL|HCLTech|Tech Mahindra|Mphasis|Hexaware'

/**
 * A capitalised name ending in one of these is an ORG ("Acme Corp", "Bank of England", "Labour Party");
 * the first word of a name that starts with one and "of" is too ("University of Chicago").
 */
export const ORG_HEADS = 'Inc|Inc.|Incorporated|Corp|Corp.|Corporation|Co|Co.|Company|Companies|Ltd|Ltd.|Limited|LLC|LLP|' +
  'plc|PLC|AG|SA|S.A.|SE|NV|N.V.|GmbH|BV|AB|ASA|Oyj|KK|Pvt|Group|Holdings|Holding|Partners|Capital|Ventures|Investments|' +
  'Management|Advisors|Advisers|Associates|Technologies|Technology|Tech|Systems|Solutions|Software|Labs|Laboratories|' +
  'Networks|Communications|Telecom|Media|Entertainment|Studios|Pictures|Records|Publishing|Press|Books|Games|Interactive|' +
  'Pharmaceuticals|Pharma|Therapeutics|Biosciences|Bio|Health|Healthcare|Hospital|Clinic|Energy|Power|Oil|Petroleum|Gas|' +
  'Resources|Mining|Minerals|Steel|Motors|Motor|Automotive|Aerospace|Airlines|Airways|Air|Aviation|Logistics|Shipping|' +
  'Railways|Railway|Rail|Transport|Foods|Food|Beverages|Brands|Stores|Retail|Bank|Bancorp|Financial|Finance|Insurance|' +
  'Assurance|Securities|Exchange|Trust|Fund|Funds|Reserve|Realty|Properties|Industries|Enterprises|International|Worldwide|' +
  'Global|Consulting|Research|Analytics|Institute|University|College|School|Academy|Society|Association|Federation|Union|' +
  'League|Council|Committee|Commission|Agency|Authority|Bureau|Board|Department|Ministry|Office|Service|Services|Court|' +
  'Tribunal|Parliament|Assembly|Congress|Senate|Party|Army|Navy|Force|Forces|Guard|Police|Command|Corps|Foundation|' +
  'Charity|Trust|Alliance|Coalition|Front|Movement|Organisation|Organization|Club|FC|United|Times|Post|Journal|News|Herald|' +
  'Telegraph|Tribune|Gazette|Chronicle|Review|Magazine|Daily|Weekly|Network|Channel|Radio|Television|TV|Broadcasting|' +
  'Orchestra|Ensemble|Band|Choir|Museum|Gallery|Library|Observatory|Zoo|Lab|Centre|Center|Initiative|Project|Program|Programme|' +
  'Mission|Church|Diocese|Monastery|Order|Cabinet|Administration|Government|Secretariat|Inspectorate|Regulator|Group plc'

/** A name ending in one of these is a facility: buildings, airports, roads, bridges. */
export const FAC_HEADS = 'Airport|Bridge|Tower|Towers|Station|Terminal|Stadium|Arena|Hall|Street|St|Road|Rd|Avenue|Ave|' +
  'Boulevard|Lane|Highway|Motorway|Freeway|Expressway|Square|Plaza|Palace|Castle|Cathedral|Abbey|Chapel|Temple|Mosque|' +
  'Synagogue|Shrine|Building|Tunnel|Dam|Canal|Port|Harbour|Harbor|Pier|Prison|Gate|Wall|Fort|Base|Factory|Plant|Mill|Mine|' +
  'Gigafactory|Campus|Park|Gardens|Memorial|Monument|Theatre|Theater|Cinema|Hotel|Mall|Market|Bazaar|Pavilion|Lighthouse|' +
  'Circuit|Racecourse|Speedway|Spaceport|Launch Complex|Pad'

/** Natural features and regions. */
export const LOC_HEADS = 'River|Sea|Ocean|Lake|Lakes|Mountain|Mountains|Mount|Mt|Hill|Hills|Valley|Desert|Island|Islands|' +
  'Isle|Isles|Bay|Gulf|Coast|Peninsula|Strait|Straits|Channel|Basin|Forest|Plateau|Delta|Glacier|Falls|Canyon|Reef|Cape|' +
  'Plains|Range|Ridge|Region|Quarter|Heights|Highlands|Lowlands|Marshes|Fjord|Steppe|Savanna|Territory|Belt|Corridor'

export const EVENT_HEADS = 'War|Wars|Revolution|Rebellion|Uprising|Crusade|Crusades|Massacre|Battle|Siege|Conquest|Invasion|' +
  'Olympics|Olympic Games|Games|Cup|Championship|Championships|Open|Grand Prix|Tournament|Series|Festival|Fair|Expo|Summit|' +
  'Conference|Forum|Marathon|Derby|Classic|Depression|Recession|Crisis|Pandemic|Plague|' +
  'Hurricane|Storm|Typhoon|Cyclone|Earthquake|Fire|Riots|Strike|Protests|Election|Elections|Referendum|Accords|Week|Day'

/** Awards and named works: "Nobel Prize", "Bayeux Tapestry", "Domesday Book". */
export const WORK_HEADS = 'Prize|Prizes|Award|Awards|Medal|Trophy|Tapestry|Book|Bible|Manifesto|Symphony|Concerto|Sonata|' +
  'Requiem|Oratorio|Mass|Lectures|Lecture|Chronicles|Saga|Epic|Codex|Scrolls|Papers|Report|Index'

/** A name ending in one of these is a country-like polity: "Russian Empire", "Dutch Republic". */
export const GPE_HEADS = 'Empire|Kingdom|Republic|Caliphate|Sultanate|Emirate|Emirates|Duchy|Principality|Confederation|' +
  'Commonwealth|Khanate|Shogunate|Raj|County|Province|Prefecture|District|Borough|Oblast|Governorate|Municipality'

export const LAW_HEADS = 'Act|Law|Laws|Treaty|Constitution|Amendment|Code|Convention|Charter|Directive|Regulation|' +
  'Regulations|Protocol|Bill|Doctrine|Rule|Rules|Statute|Ordinance|Agreement|Pact'

/** Products people name: devices, vehicles, software, models. */
export const PRODUCTS = 'iPhone|iPad|iPod|Mac|MacBook|MacBook Air|MacBook Pro|iMac|Apple Watch|AirPods|Vision Pro|Pixel|' +
  'Galaxy|Android|iOS|Windows|Windows 11|Windows 10|macOS|Linux|Office|Excel|Word|PowerPoint|Outlook|Teams|Azure|AWS|' +
  'Google Maps|Gmail|Chrome|Firefox|Safari|ChatGPT|GPT-4|GPT-4o|GPT-5|Gemini|Claude|Copilot|Llama|Bard|Siri|Alexa|Kindle|' +
  'Echo|PlayStation|PS5|Xbox|Switch|Model 3|Model S|Model X|Model Y|Cybertruck|Roadster|Semi|Falcon 9|Falcon Heavy|Starship|' +
  'Dragon|Crew Dragon|Super Heavy|New Glenn|Boeing 737|Boeing 737 Max|737 Max|787 Dreamliner|Dreamliner|A320|A380|Concorde|' +
  'Walkman|Game Boy|Prius|Mustang|Beetle|Golf|Corolla|Civic|F-150|Land Rover|Range Rover|Mini|Jeep|Autopilot|Full Self-Driving|' +
  'Hubble|James Webb Space Telescope|Webb|Voyager|Apollo 11|Sputnik|Enigma|Analytical Engine|Difference Engine|Python|' +
  'JavaScript|TypeScript|Java|Rust|Node.js|React|Kubernetes|Docker|PostgreSQL|MySQL|Redis|Photoshop|Instagram Reels|Reels|' +
  'Stories|Threads|Bitcoin|Ethereum|Ozempic|Wegovy|Mounjaro|Viagra|Prozac|Aspirin|Tylenol|Paxlovid|Comirnaty|Tamiflu|Remdesivir'

/** Words before a name that say it is a person; they are not part of the name. */
export const TITLES = 'Mr|Mr.|Mrs|Mrs.|Ms|Ms.|Miss|Mx|Dr|Dr.|Prof|Prof.|Professor|Sir|Dame|Lord|Lady|Baron|Baroness|Count|' +
  'Countess|Duke|Duchess|Earl|Marquess|Prince|Princess|King|Queen|Emperor|Empress|Tsar|Czar|Sultan|Sheikh|Shah|Pharaoh|Pope|' +
  'Saint|St.|Cardinal|Archbishop|Bishop|Rev|Rev.|Reverend|Father|Brother|Sister|Rabbi|Imam|President|Vice-President|' +
  'Vice President|Premier|Prime Minister|Chancellor|Minister|Secretary|Senator|Sen.|Sen|Representative|Rep.|Rep|Congressman|' +
  'Congresswoman|Governor|Gov.|Gov|Mayor|Ambassador|Judge|Justice|Chief Justice|General|Gen.|Gen|Lieutenant|Lt.|Colonel|' +
  'Col.|Major|Maj.|Captain|Capt.|Commander|Admiral|Adm.|Sergeant|Sgt.|Corporal|Private|Officer|Detective|Inspector|Constable|' +
  'Chairman|Chairwoman|Chair|Chief|Director|Coach|Agent|Speaker|Leader|Founder|Dean|CEO|Chief Executive|Executive|Editor|' +
  'Coroner|Commissioner|Superintendent|Councillor|Alderman|Deputy|Chief Minister|Finance Minister|Foreign Minister|' +
  'Defence Minister|Defense Secretary|Foreign Secretary|Home Secretary|Attorney General|Crown Prince|Grand Duke|Archduke|' +
  'Mahatma|Pandit|Shri|Sri|Smt|Mrs|Herr|Frau|Monsieur|Madame|Mme|Signor|Señor|Don|Doña|Dona'

/** All-capital abbreviations that are not names of anything. */
export const COMMON_ACRONYMS = 'CEO|CFO|COO|CTO|CIO|CMO|CPO|VP|SVP|EVP|MD|AI|AGI|ML|LLM|LLMs|GDP|GNP|CPI|IPO|IPOs|M&A|ETF|ETFs|' +
  'ESG|TV|PC|PCs|OK|PDF|USB|CPU|CPUs|GPU|GPUs|API|APIs|SDK|UI|UX|EV|EVs|SUV|SUVs|DNA|RNA|mRNA|HIV|AIDS|COVID|COVID-19|' +
  'LED|LCD|OLED|ATM|ATMs|VAT|GST|FDI|NGO|NGOs|PM|AM|BC|AD|BCE|CE|IT|HR|PR|R&D|QA|FAQ|ID|VIP|MP|MPs|DIY|RAM|ROM|SSD|HDD|' +
  'HTTP|HTTPS|URL|HTML|CSS|JSON|XML|SQL|OS|iOS|GPS|SMS|WiFi|Wi-Fi|5G|4G|3G|LTE|B2B|B2C|SaaS|IoT|VR|AR|XR|NFT|NFTs|' +
  'P&L|EBITDA|EPS|ROI|KPI|KPIs|YoY|QoQ|FY|Q1|Q2|Q3|Q4|H1|H2|II|III|IV|VI|VII|VIII|IX|XI|XII|XIII|XIV|XV|XVI|TBD|ASAP|' +
  'FAQs|PhD|MBA|BSc|MSc|BA|MA|OBE|MBE|CBE|KBE|UTC|GMT|EST|PST|CET|IST|AM|FM|AC|DC|TNT|CO2|NOx|PPE|ICU|ER|OTC|RSVP|FYI|' +
  'BBQ|UFO|CCTV|GIF|JPEG|PNG|MP3|DVD|CD|SIM|PIN|OTP|KYC|AML|UPI|EMI|NRI|RTI|FIR'
