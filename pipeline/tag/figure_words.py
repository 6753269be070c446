"""Word lists that the figure finder reads: currencies, multipliers, qualifiers and words that rule a
number out as a figure.

Kept apart from `figures.py` so that the grammar there stays short and the lists can grow on their own.
Lists of single words are written as one string each, split at import.
"""

from __future__ import annotations


def word_set(words: str) -> frozenset[str]:
    """Read a word list written as one string (compact to write and to review).

    >>> sorted(word_set("b a  c"))
    ['a', 'b', 'c']
    """
    return frozenset(words.split())


# Currency marks and words -> ISO 4217 code.
# ISO 4217 codes written before an amount ("PLN 2.8 billion", "EUR 300 million").
ISO_CODES = tuple(
    [
        "GBP",
        "USD",
        "EUR",
        "CAD",
        "AUD",
        "NZD",
        "SGD",
        "HKD",
        "JPY",
        "KRW",
        "INR",
        "CHF",
        "AED",
        "SAR",
        "ZAR",
        "SEK",
        "NOK",
        "DKK",
        "BRL",
        "PLN",
        "CZK",
        "HUF",
        "RON",
        "MXN",
        "CLP",
        "IDR",
        "VND",
        "PHP",
        "THB",
        "MYR",
        "TWD",
        "CNY",
        "RMB",
        "TRY",
        "ILS",
        "NGN",
        "KES",
        "GHS",
        "EGP",
        "QAR",
        "KWD",
        "OMR",
        "BHD",
        "JOD",
        "PKR",
        "BDT",
        "LKR",
        "PEN",
        "ARS",
        "UAH",
        "NPR",
        "MUR",
        "JMD",
        "TTD",
        "FJD",
        "AZN",
        "KZT",
        "ETB",
        "TZS",
        "UGX",
        "RWF",
        "XOF",
        "XAF",
        "ISK",
        "RUB",
        "LSL",
        "PGK",
        "ZMW",
        "BGN",
        "HRK",
        "RSD",
        "MKD",
        "MDL",
        "TND",
        "DZD",
        "MAD",
    ]
)
CURRENCY_MARKS = {
    "£": "GBP",
    "€": "EUR",
    "$": "USD",
    "US$": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "AU $": "AUD",  # as Defense News writes it, "AU $230 million"
    "R$": "BRL",
    "RM": "MYR",
    "NZ$": "NZD",
    "MX$": "MXN",  # the Mexican peso, "MX$800 million"
    "$A": "AUD",  # the sign first, as Australian papers write it: "$A1.3 billion"
    "$NZ": "NZD",
    "$US": "USD",
    "S$": "SGD",
    "SG$": "SGD",
    "HK$": "HKD",
    "NT$": "TWD",  # the new Taiwan dollar
    "J$": "JMD",  # the Jamaican dollar
    "GH¢": "GHS",  # the Ghanaian cedi
    "GH₵": "GHS",
    "Ksh": "KES",  # the Kenyan shilling: "Kshs. 1.2 billion", "KSh 500m"
    "Kshs": "KES",
    "KSh": "KES",
    "KShs": "KES",
    "TT$": "TTD",  # the Trinidad and Tobago dollar
    "FJ$": "FJD",
    "BZ$": "BZD",
    "B$": "BND",  # the Brunei dollar, as Brunei's press writes it
    "Bds$": "BBD",
    "EC$": "XCD",  # the Eastern Caribbean dollar
    "N$": "NAD",  # the Namibian dollar
    "RO": "OMR",  # the Omani rial, "RO1.2 billion"
    "STG£": "GBP",  # sterling as Irish and Northern Irish papers mark it, "STG£9.6m"
    "Stg£": "GBP",
    "Bt": "THB",  # the Thai baht, "Bt1 billion"
    "Rwf": "RWF",  # the Rwandan franc, "Rwf4 billion", "FRw 223 million"
    "FRw": "RWF",
    "Frw": "RWF",
    "S/": "PEN",  # the Peruvian sol, "S/1.259 billion"
    "¥": "JPY",
    "₩": "KRW",
    "₹": "INR",
    "Rs": "INR",
    "Tk": "BDT",  # Bangladeshi taka, "Tk 2,967 crore"
    "BD": "BHD",  # the Bahraini dinar, "BD 80,235"
    "JD": "JOD",  # the Jordanian dinar, "JD100,000"
    "KD": "KWD",  # the Kuwaiti dinar
    "QR": "QAR",  # the Qatari riyal
    "SR": "SAR",  # the Saudi riyal, "SR180 billion"
    "Dh": "AED",  # the UAE dirham, "Dh5 billion", "Dhs 200 million"
    "Dhs": "AED",
    "R": "ZAR",
    "₱": "PHP",
    "₦": "NGN",
    "₺": "TRY",
    "₴": "UAH",
    "₪": "ILS",
    "₽": "RUB",
    "฿": "THB",
    "₸": "KZT",
    "₡": "CRC",
    "৳": "BDT",
    "P": "PHP",
    "NIS": "ILS",  # the new Israeli shekel, as Israeli publishers write it
    "VNĐ": "VND",  # the Vietnamese dong as Vietnamese papers write it, "VNĐ2 trillion"
    "Rp": "IDR",  # the Indonesian rupiah, "Rp792 trillion"
    **{code: code for code in ISO_CODES},
    "COP": "COP",  # written with a space only: "COP 925,867 million", never the climate summit's "COP26"
    "RMB": "CNY",  # renminbi, the people's currency, counted in yuan
}
# The dollar a country's publishers mean by a bare "$".
COUNTRY_DOLLARS = {
    "Canada": "CAD",
    "Australia": "AUD",
    "New Zealand": "NZD",
    "Singapore": "SGD",
    "Hong Kong": "HKD",
    "Jamaica": "JMD",
    "Trinidad and Tobago": "TTD",
    "The Bahamas": "BSD",
    "Barbados": "BBD",
    "Belize": "BZD",
    "Guyana": "GYD",
    "Fiji": "FJD",
    "Solomon Islands": "SBD",
    "Namibia": "NAD",
    "Brunei": "BND",
    # the Eastern Caribbean Currency Union's members write their shared dollar as a bare "$"
    "Antigua and Barbuda": "XCD",
    "Dominica": "XCD",
    "Grenada": "XCD",
    "St Kitts and Nevis": "XCD",
    "St Lucia": "XCD",
    "St Vincent and the Grenadines": "XCD",
    # Pacific states whose currency is the Australian dollar
    "Kiribati": "AUD",
    "Tuvalu": "AUD",
    "Nauru": "AUD",
}
# The dollars' ISO codes as a regex alternation, for a code written beside a bare "$" ("CAD $600,000").
DOLLAR_CODES = "|".join(sorted({"USD", *COUNTRY_DOLLARS.values()}))
# Provinces, states and cities of the dollar countries, whose own newsrooms write a bare "$" ("Ontario
# invests $14.9 million"): they say whose dollar it is like the country's name does.
_CANADIAN_REGIONS = (
    "Ontario|Quebec|Québec|Alberta|Manitoba|Saskatchewan|Yukon|Nunavut|Toronto|Ottawa|Montreal|Montréal|"
    "Vancouver|Calgary|Edmonton|Winnipeg|British Columbia|Nova Scotia|New Brunswick|Newfoundland and Labrador|"
    "Prince Edward Island"
)
_AUSTRALIAN_REGIONS = (
    "Queensland|Tasmania|Sydney|Melbourne|Brisbane|Adelaide|Canberra|NSW|New South Wales|Western Australia|"
    "South Australia|Northern Territory|Victoria|Perth|Hobart"
)
# Smaller cities a local paper names, read only for a newspaper's own dollar ("Saskatoon city council").
LOCAL_DOLLAR_CITIES = {
    **dict.fromkeys(("Saskatoon", "Regina", "Halifax", "Kitchener", "Mississauga", "Brampton"), "Canada"),
    **dict.fromkeys(("Parramatta", "Geelong", "Wollongong", "Townsville"), "Australia"),
}
DOLLAR_REGIONS = {
    **dict.fromkeys(_CANADIAN_REGIONS.split("|"), "Canada"),
    **dict.fromkeys(_AUSTRALIAN_REGIONS.split("|"), "Australia"),
    **dict.fromkeys(("Auckland", "Christchurch"), "New Zealand"),
}
CURRENCY_WORDS = {
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupees": "INR",
    "francs": "CHF",
    "swiss francs": "CHF",
    "Swiss francs": "CHF",  # as written; looked up in lower case
    "pounds": "GBP",
    "pound": "GBP",  # "a 1 billion pound project"
    "won": "KRW",  # only ever read after a number: "1 trillion won"
    "pounds sterling": "GBP",
    "sterling": "GBP",
    "dollars": "USD",
    "dollar": "USD",  # "a one trillion dollar economy"
    "us dollars": "USD",
    "australian dollars": "AUD",  # "221 million Australian dollars ($168 million)"
    "Australian dollars": "AUD",  # as written; looked up in lower case
    "canadian dollars": "CAD",
    "Canadian dollars": "CAD",
    "australian dollar": "AUD",
    "Australian dollar": "AUD",
    "canadian dollar": "CAD",
    "Canadian dollar": "CAD",
    "new zealand dollars": "NZD",
    "New Zealand dollars": "NZD",
    "new zealand dollar": "NZD",  # "a 28 million New Zealand dollar fund"
    "New Zealand dollar": "NZD",
    "singapore dollars": "SGD",
    "Singapore dollars": "SGD",
    "hong kong dollars": "HKD",
    "Hong Kong dollars": "HKD",
    "euros": "EUR",
    "euro": "EUR",
    "shekels": "ILS",
    "koruna": "CZK",
    "korunas": "CZK",
    "kronor": "SEK",
    "zloty": "PLN",
    "zlotys": "PLN",
    "rand": "ZAR",
    "baht": "THB",
    "thai baht": "THB",
    "Thai baht": "THB",  # as written; looked up in lower case
    "cfa francs": "XOF",  # "16 billion CFA francs": West Africa's, unless the text is about Central Africa
    "CFA francs": "XOF",
    "dong": "VND",  # only ever read after a number: "5 trillion dong"
    "rwandan francs": "RWF",
    "Rwandan francs": "RWF",
    "ringgit": "MYR",
    "rupiah": "IDR",
    "naira": "NGN",
    "hryvnias": "UAH",
    "hryvnia": "UAH",
    "roubles": "RUB",
    "rubles": "RUB",
    "taka": "BDT",
    "cedis": "GHS",
    "birr": "ETB",
    "tenge": "KZT",
    "lari": "GEL",
    "lei": "RON",
    "soms": "KGS",
    "kina": "PGK",
    "kwacha": "ZMW",
    "manat": "AZN",
    "manats": "AZN",
    "krónur": "ISK",
    "kronur": "ISK",
    "reais": "BRL",
    "lira": "TRY",
    "riyals": "SAR",
    "rials": "IRR",  # Iran's; Oman's and Yemen's in a text about them
    "omani riyals": "OMR",
    "omani rials": "OMR",
    "Omani riyals": "OMR",  # as written; looked up in lower case
    "Omani rials": "OMR",
    "soles": "PEN",  # Peru's sol, "180mn soles"
    "norwegian crowns": "NOK",
    "swedish crowns": "SEK",
    "danish crowns": "DKK",
    "czech crowns": "CZK",
    "Norwegian crowns": "NOK",  # as written; looked up in lower case
    "Swedish crowns": "SEK",
    "Danish crowns": "DKK",
    "Czech crowns": "CZK",
    "kroner": "NOK",
    "norwegian kroner": "NOK",
    "Norwegian kroner": "NOK",  # as written; looked up in lower case
    "danish kroner": "DKK",
    "Danish kroner": "DKK",
    "swedish kronor": "SEK",
    "Swedish kronor": "SEK",
    "swedish krona": "SEK",  # the singular, often written for the plural: "9 million Swedish krona"
    "Swedish krona": "SEK",
    # pesos with their country: "50bn Colombian pesos"
    "colombian pesos": "COP",
    "Colombian pesos": "COP",
    "mexican pesos": "MXN",
    "Mexican pesos": "MXN",
    "chilean pesos": "CLP",
    "Chilean pesos": "CLP",
    "argentine pesos": "ARS",
    "Argentine pesos": "ARS",
    "argentinian pesos": "ARS",
    "Argentinian pesos": "ARS",
    "philippine pesos": "PHP",
    "Philippine pesos": "PHP",
    "uruguayan pesos": "UYU",
    "Uruguayan pesos": "UYU",
    # as headlines and some newsrooms write them
    "Baht": "THB",
    "Rupees": "INR",
    "Yen": "JPY",
    "Yuan": "CNY",
    "Euros": "EUR",
    "Euro": "EUR",  # "approximately 58 million Euro"
    "Ringgit": "MYR",
    "Naira": "NGN",
    "Pesos": "MXN",
    "Dirhams": "AED",
    "Riyals": "SAR",
    "Shillings": "KES",
    "Units of Account": "XDR",  # the African Development Bank's unit, pegged to the IMF's SDR
    "units of account": "XDR",
    "forints": "HUF",
    "forint": "HUF",
    "kuna": "HRK",  # Croatia's, before the euro: "360 million kuna"
    "leva": "BGN",
    "denars": "MKD",
    # Several countries' words: the default here, the publisher's own in `COUNTRY_CURRENCY_WORDS`.
    "crowns": "NOK",
    "dirhams": "AED",
    "dirham": "AED",  # as an adjective: "a 4.7 billion-dirham contract"
    "pesos": "MXN",
    "shillings": "KES",
    "dinars": "JOD",
}
# What a word several currencies share means in a text from (or about) one of their countries.
COUNTRY_CURRENCY_WORDS = {
    "Morocco": {"dirhams": "MAD", "dirham": "MAD"},
    "United Arab Emirates": {"dirhams": "AED"},
    "Mexico": {"pesos": "MXN"},
    "Colombia": {"pesos": "COP"},
    "Argentina": {"pesos": "ARS"},
    "Chile": {"pesos": "CLP"},
    "Philippines": {"pesos": "PHP"},
    "Kenya": {"shillings": "KES"},
    "Uganda": {"shillings": "UGX"},
    "Tanzania": {"shillings": "TZS"},
    "Qatar": {"riyals": "QAR"},
    "Oman": {"riyals": "OMR", "rials": "OMR"},
    "Yemen": {"rials": "YER"},
    "Tunisia": {"dinars": "TND"},
    "Algeria": {"dinars": "DZD"},
    "Kuwait": {"dinars": "KWD"},
    "Bahrain": {"dinars": "BHD"},
    "Iraq": {"dinars": "IQD"},
    "Libya": {"dinars": "LYD"},
    "Serbia": {"dinars": "RSD"},
    "Sweden": {"crowns": "SEK"},
    "Denmark": {"crowns": "DKK", "kroner": "DKK"},
    "Czech Republic": {"crowns": "CZK"},
    "Turkmenistan": {"manat": "TMT", "manats": "TMT"},
    # "Rs" and "rupees": India's unless the text is about another rupee country ("Rs 3.98 billion" in Nepal)
    "India": {"rupees": "INR"},
    "Nepal": {"rupees": "NPR"},
    "Pakistan": {"rupees": "PKR"},
    "Sri Lanka": {"rupees": "LKR"},
    "Mauritius": {"rupees": "MUR"},
    "Seychelles": {"rupees": "SCR"},
    # "K283 million": Papua New Guinea's kina, Zambia's or Malawi's kwacha
    "Papua New Guinea": {"K": "PGK"},
    "Zambia": {"K": "ZMW", "kwacha": "ZMW"},
    "Malawi": {"K": "MWK", "kwacha": "MWK"},
    "Lesotho": {"M": "LSL", "maloti": "LSL"},
    "Nigeria": {"N": "NGN"},
    # the Central African franc; elsewhere "CFA" is the West African one
    **{
        country: {"CFA": "XAF", "cfa francs": "XAF", "CFA francs": "XAF"}
        for country in (
            "Cameroon",
            "Gabon",
            "Chad",
            "Central African Republic",
            "Equatorial Guinea",
            "Republic of the Congo",
        )
    },
}

# Scale words -> factor. Single letters only count straight after a number ("£500m", "£2bn").
MULTIPLIERS = {
    "trillion": 1e12,
    "tn": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    # Wire copy: "4.3 bln euros", "$200 mln"
    "bln": 1e9,
    "mln": 1e6,
    "thousand": 1e3,
    "k": 1e3,
    "crore": 1e7,  # Indian numbering: ₹76,000 crore is ₹760 billion
    "lakh": 1e5,
    "lakh crore": 1e12,  # "Rs 2 lakh crore" is ₹2 trillion
    "crores": 1e7,
    "lakhs": 1e5,
    "Crore": 1e7,  # "₹847.70 Crore", as some Indian releases write it
    "Crores": 1e7,
    "Lakh": 1e5,
    "Lakhs": 1e5,
    "Cr": 1e7,  # "INR 50 Cr.", "Rs 500 cr": crore, shortened
    "cr": 1e7,
    "bil": 1e9,  # "RM500bil", as Malaysia's press writes it
    "mil": 1e6,
    # As written in headlines and by other publishers: "£10K", "$5M", "$2B", "€1.2Bn", "£5 Million".
    "Trillion": 1e12,
    "T": 1e12,  # "USD 15.7T"
    "Billion": 1e9,
    "Bn": 1e9,
    "BN": 1e9,
    "B": 1e9,
    "Million": 1e6,
    "M": 1e6,
    "Thousand": 1e3,
    "K": 1e3,
}

# Numbers written as words before a scale word ("two billion pounds", "half a million pounds").
NUMBER_WORDS = {
    "one": 1.0,
    "two": 2.0,
    "three": 3.0,
    "four": 4.0,
    "five": 5.0,
    "six": 6.0,
    "seven": 7.0,
    "eight": 8.0,
    "nine": 9.0,
    "ten": 10.0,
    "eleven": 11.0,
    "twelve": 12.0,
    "fifteen": 15.0,
    "twenty": 20.0,
    "thirty": 30.0,
    "forty": 40.0,
    "fifty": 50.0,
    "sixty": 60.0,
    "seventy": 70.0,
    "eighty": 80.0,
    "ninety": 90.0,
    "a hundred": 100.0,
    "one hundred": 100.0,
    "hundreds of": 100.0,
    "half a": 0.5,
    "a quarter of a": 0.25,  # "almost a quarter of a billion pounds"
    "three quarters of a": 0.75,
    "a": 1.0,
}

# Words before an amount that qualify it -> the qualifier recorded.
QUALIFIERS = {
    "up to": "up to",
    "as much as": "up to",
    "as many as": "up to",
    "over": "over",
    "just over": "over",
    "well over": "over",
    "above": "over",  # "Series B rounds above £10m"
    "more than": "more than",
    "in excess of": "more than",
    "upwards of": "more than",
    "around": "around",
    "about": "around",
    "approximately": "around",
    "roughly": "around",
    "some": "around",
    "an estimated": "around",
    "estimated": "around",
    "estimated at": "around",
    "estimated value of": "around",
    "estimated total value of": "around",
    "an estimated total value of": "around",
    "an estimated investment of": "around",
    "estimated investment of": "around",
    "estimated investments of": "around",
    "estimated cost of": "around",
    "an estimated value of": "around",
    "valued at around": "around",
    "worth around": "around",
    "in the region of": "around",  # "expected to save in the region of £100 million"
    "worth an estimated": "around",
    "not exceed": "up to",  # "the cost will not exceed €3 billion"
    "not to exceed": "up to",
    "no more than": "up to",
    "at most": "up to",  # "with funds of at most 208 million euros"
    "a maximum of": "up to",
    "a maximum cost of": "up to",
    "a maximum value of": "up to",
    "a maximum amount of": "up to",  # "a five-year extension for a maximum amount of $1.3 billion"
    "past": "over",  # "takes the value of the contract past $132.1 million"
    "estimated value:": "around",  # a tender notice's "Estimated value: £14 billion"
    "capped at": "up to",
    "at least": "at least",
    "a minimum of": "at least",
    "almost": "almost",
    "nearly": "almost",
    "just under": "almost",
    "close to": "almost",
    "approaching": "almost",
    "approach": "almost",  # "expected to approach €8 billion"  # "total commitments approaching £600m"
    "less than": "less than",
    "under": "less than",
    "fewer than": "less than",
    "below": "less than",
}

# Words after an amount that make it a yearly amount ("£2.5 million-a-year", "£3m per year").
PER_YEAR_WORDS = ("a year", "per year", "per annum", "each year", "every year", "annually", "a-year")

# Units a rate may be per ("£25 per household", "£9.50 an hour"): such amounts are not totals.
PER_UNIT_WORDS = word_set(
    "hour day week month person head household home pupil student patient child adult family "
    "tonne kilogram kg litre mile kilometre km user licence seat device employee worker job "
    "apprentice learner place participant property share"
)

# Units of time -> canonical plural unit for durations.
DURATION_UNITS = {
    "year": "years",
    "years": "years",
    "month": "months",
    "months": "months",
    "week": "weeks",
    "weeks": "weeks",
    "day": "days",
    "days": "days",
    "hour": "hours",
    "hours": "hours",
    "decade": "decades",
    "decades": "decades",
}

MONTHS = word_set(
    "apr april aug august dec december feb february jan january jul july jun june mar march may nov "
    "november oct october sep sept september"
)

# A number straight after one of these is a label, not a quantity ("section 12", "Phase 2").
LABEL_WORDS = word_set(
    "annex area article band box case category chapter class clause cohort covid day edition figure "
    "floor generation gpt grade issue item key level line lines lot lots model no number option page "
    "pages paragraph part phase pillar platform principle priority question regulation release room "
    "round route rule scenario schedule season section sections series stage step table tier top "
    "tranche type unit v version ward wave week windows year years zone"
)

# Adjectives between a number and its noun that are not part of the unit ("2,000 new jobs").
COUNT_ADJECTIVES = word_set(
    "additional ai ambitious brand british cutting-edge different direct early-career eligible "
    "existing expert extra fellow front-line frontline full-time funded further good groundbreaking "
    "high high-paid high-paying high-skilled highly highly-skilled indirect individual innovative "
    "junior key leading local major more named new other part-time permanent pioneering promising "
    "qualified selected senior separate shortlisted skilled small specialist successful talented "
    "temporary top total well-paid world-class world-leading young"
)

# Words that cannot be the noun of a count.
COUNT_STOPWORDS = word_set(
    "a a.m about across after ago all also am an and are around as at be been before between billion "
    "but by can cent could did do does during each earlier every fewer for from gb had has have he if "
    "in including into is it its kg km later less like may mb might million more mph must nd not "
    "o'clock of on onwards or our out over p.m per percent pm rd said says she should since so st "
    "such tb th than that the their then there these they this those thousand times to trillion under "
    "until up was we were when where which while who will with would x you"
)

# Plural nouns that do not end in "s" ("1.5 million people", "100 staff").
IRREGULAR_PLURALS = word_set(
    "aircraft alumni cattle children crew criteria data fish media men people personnel police sheep "
    "staff women workforce youth"
)

# Plural-looking nouns that modify the next noun ("5 skills centres", "3 data centres").
PLURAL_MODIFIERS = word_set(
    "arts communications data economics electronics news operations physics police robotics sales "
    "savings services skills sports staff systems telecommunications"
)
