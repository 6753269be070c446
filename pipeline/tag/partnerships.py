"""Find the agreements an announcement reports: MoUs, partnerships, contracts, grants and investments.

Precision comes first: a sentence creates an agreement only when it has an agreement word (a noun such
as "memorandum of understanding", or "invest"/"awarded"), a status word ("signed", "will sign",
"extended") and at least one party in a party position: "between A and B", "A and B have signed",
"with A", "by A", "awarded to A", or "A's investment". "We will work with schools" has none of these.
Sentences that name an agreement without parties ("The memorandum is voluntary") only add evidence,
status, signatories and legal nature to an agreement already found, so an MoU named in several
sentences stays one agreement. Investments need an amount of money and an investor that is not the
publishing government (government spending is a figure, not an agreement).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from babel import Locale

from govwatch.pipeline.records import Evidence, Partnership, Signatory
from govwatch.pipeline.repair.glued_words import is_common_word
from govwatch.pipeline.tag.entities import NAME_WORD_ZIPF
from govwatch.pipeline.tag.figure_words import MONTHS, word_set
from govwatch.pipeline.tag.lexicon import Lexicon, find_words, fold_case, scan_words, verb_forms
from govwatch.pipeline.tag.mentions import DESCRIPTOR_NOUN, PERSON_JOB, Mention
from govwatch.pipeline.tag.press import is_press, reported_as_press
from govwatch.pipeline.tag.sentence_checks import SELF_WORD, SIGN_WORD, has_word, states_money
from govwatch.pipeline.tag.sentences import Sentence, list_items_after
from govwatch.pipeline.tag.transfers import INVESTOR_NAME, find_transfers

STATUS_PRECEDENCE = ("extended", "ended", "signed", "planned", "announced")
KIND_GROUPS = {
    "memorandum_of_understanding": "umbrella",
    "strategic_partnership": "umbrella",
    "collaboration": "umbrella",
    "other": "umbrella",
    "framework_agreement": "contract",
    "contract": "contract",
    "grant": "grant",
    "investment": "investment",
}
# Kinds that name a deal between a buyer or funder and a recipient: the publisher is the other party.
PARTY_WINDOW_CHARS = 80  # how far from the agreement word "with"/"between"/"by" lists are read
FUNDED_KINDS = frozenset({"contract", "framework_agreement", "grant"})
PARTY_KINDS_TUPLE = ("organisation", "government", "person", "place", "name", "self")
PARTY_KINDS = frozenset(PARTY_KINDS_TUPLE)
LEGAL_ORDER = ("voluntary", "not legally binding", "legally binding")

# Words allowed between a subject and its verb ("OpenAI and the UK government have today signed").
_SUBJECT_GAP = re.compile(
    r"(?:\s|,[^,;()]{1,120},|,|’s|'s|\([^()]{1,40}\)|\b(?:have|has|had|is|are|was|were|been|will|would|today|now|"
    r"formally|officially|jointly|also|"
    r"both|to|set|just|recently|yesterday|this|last|week|successfully|already|confirmed|confirms|plans|plan|said|says|"
    r"intends|intend|aims|expects|expected|committed|commits|is|its|intention|it|also|on|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|first|originally|previously|later|subsequently|then|again|"
    r"initially)\b)*",  # "GE Aerospace on Thursday said it has signed", "the county first signed"
    re.IGNORECASE,
)
# Between two parties of a list: a comma, "and", "the", and an aside in brackets ("(NSF)", "(NYSE: IBM)").
# An aside about the party before may stand between two: "between ICL, which employs 550 people in Belfast,
# and Microsoft", "the Government of Ghana, acting through the Ministry of Health, and Zipline".
_LIST_GAP = re.compile(
    r"\.?\s*(?:\([^()]{1,40}\)\s*)?"  # "Acme Properties Corp. (ACME) and": the stop of an abbreviation
    r"(?:,[ ](?:which|who|acting|based|headquartered|represented)\b[^,;:()]{1,100},[ ](?=and[ ])"
    # "Genomics England, the company set up by the Department of Health to deliver the 100,000 Genomes
    # Project, and ...": an item described between commas, not another item
    r"|,[ ](?:the|a|an)[ ](?:[a-z][\w-]*(?:’s|'s)?|[A-Z][\w.]*(?:’s|'s))[ ](?:[^,;:()]|,(?=\d)){1,140}?,[ ](?=and[ ]))?"
    r"(?:,\s*)?(?:(?:and|&|together with|alongside)\s+)?(?:[Tt]he\s+)?"
)
# A signatory's office before the body it acts for: "the Chief Executive of the UK Space Agency", "the Chair
# of the Executive Board of the German Aerospace Center", "its President at". Government offices are read
# elsewhere (`offices`); the body after this is the party.
_ROLE_OF = re.compile(
    r"(?:(?:[Tt]he|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir)[ ]+)?(?:(?:Acting|Deputy|Interim|Executive|Senior|Managing|Vice)[ -])?"
    r"(?:Chief[ ]Executive(?:[ ]Officer)?|CEO|Chair(?:man|woman|person)?|President|Vice[- ]Chancellor|"
    r"Director(?:[ -]General)?|Head|Secretary[ -]General|Provost|Principal|Rector|Governor|Administrator|"
    r"Chief[ ][A-Z][a-z]+(?:[ ][A-Z][a-z]+)?[ ](?:Officer|Adviser|Advisor)|Chief[ ]Scientist|Founder|"
    r"General[ ]Manager|Executive[ ]Director|leaders?|chief[ ]executives?|heads?)"
    r"(?:[ ]of[ ]the[ ](?:(?:Executive|Supervisory|Management|Governing)[ ])?Board)?[ ](?:of|at)[ ](?:the[ ])?"
)
# A description right before a name, read backwards from it: "US company " in "Serbia and US company Amazon".
_DESCRIBED_BEFORE = re.compile(
    rf"(?<![\w’'.-])(?:(?:the|a|an)[ \u00a0])?(?:(?!and[ ]|&[ ])[\w’'.-]+[ \u00a0]){{0,3}}?"
    rf"(?:{DESCRIPTOR_NOUN}|[\w.-]+-(?:based|headquartered))[ \u00a0]$"
)
# A list link that may carry the next signatory's office: ", and the President of the ".
_ROLE_LINK = re.compile(_LIST_GAP.pattern + r"(?:" + _ROLE_OF.pattern + r")?")
# At most three words, then a descriptor noun, before a name: "(the) French AI company", "US tech giant".
_DESCRIPTION = re.compile(
    rf"(?:(?:the|a|an)[ \u00a0])?(?:[\w’'.-]+[ \u00a0]){{0,3}}?"
    rf"(?:{DESCRIPTOR_NOUN}|[\w.-]+-(?:based|headquartered|run|owned|controlled))"  # "state-run Hindustan ..."
    r"[ \u00a0](?:the[ \u00a0])?(?=[A-Z])"  # "the charity the Wolfson Foundation"
)
# A bloc named through all its members: "with the six countries of the Southern African Customs Union" (not
# "between two member states of ASEAN": some of them).
_MEMBERS_OF = re.compile(
    r"the[ \u00a0](?:[\w-]+[ \u00a0])?(?:countries|members|member[ \u00a0]states|nations|states)[ \u00a0]of"
    r"[ \u00a0](?:the[ \u00a0])?(?=[A-Z])"
)
# "between", "with", "by", "to", "from", "in" opening a word. The first letter comes first, so the regex
# engine skips ahead to those letters; the look-behind right after it stands for a leading \b.
_LIST_OPENERS = re.compile(
    r"([BbWwTtFfIi](?<!\w.)(?:(?<=[Bb])etween|(?<=[Ww])ith|(?<=[Bb])y|(?<=[Tt])o|(?<=[Ff])rom|(?<=[Ii])n))"
    r"\s+(?:[Tt]he\s+)?"  # "with The Royal Wolverhampton NHS Trust": some names keep a capital "The"
    # "signed by representatives of the UK Government, ...": those who sign for the parties
    r"(?:(?:representatives|leaders|ministers|officials|delegations|heads)\s+(?:of|from)\s+(?:the\s+)?)?"
)
# Verbs that end a subject ("OpenAI and the UK government have today signed ...", "X is extending its
# contract with Y"): base forms (irregular verbs with their forms), and the -ing forms that report a deal.
_SUBJECT_VERBS = (
    "sign agree award invest ink secure announce launch extend renew unveil enter acquire provide back join exchange "
    "partner select appoint team form establish conclude finalise seal deepen reach raise close complete receive "
    "collaborate pledge spend notify guarantee strike|strikes|struck|striking win|wins|won|winning "
    "take|takes|took|taking lend|lends|lent|lending commit|commits|committed|committing put|puts|put|putting "
    "make|makes|made|making plan|plans|planned|planning buy|buys|bought|buying hand|hands|handed|handing"
)
_SUBJECT_VERB_FORMS = [form for verb in _SUBJECT_VERBS.split() for form in verb_forms(verb)[:3]]
# (not the end of a compound adjective: "a French state-backed fund, has invested")
_SUBJECT_VERB = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(_SUBJECT_VERB_FORMS)
    # a headline in title case: "Airbus Wins $2.3 Billion Satellite Contract", "Nokia Signs MoU With ..."
    + "|"
    + "|".join(form.capitalize() for form in _SUBJECT_VERB_FORMS)
    + r"|taken|set out|signing|extending|renewing|awarding)\b"
)
# What may stand before "to" when "to" introduces a recipient ("awarded to", "a £5m grant to").
_AWARDED_BEFORE = re.compile(
    r"(?:\b(?:awarded|granted|given|went|goes|extended|contract|contracts|grant|grants|funding|investment|award|deal|loan|"
    r"agreement|notified|"
    r"million|billion|bn|m|k)|\d(?:bn|m|k)?)\s+$"  # "a contract worth £56m to CGI"
)
_BETWEEN = re.compile(r"\bbetween\b")
# What may follow an agreement noun before its "with" or "to": "for its IT services", "of the new scheme".
_NOUN_TAIL = re.compile(
    r"[ ](?:for|of|on|covering|to[ ](?:supply|provide|deliver|build|design|develop|operate|maintain|install))[ ]"
    r"(?:(?!(?:is|are|was|were|will|has|have|had|that|which|who|and|but|to)[ ])"
    r"[^,;:()\s]+[ ]){1,14}"
)
# A noun of working together, whose "between" names its sides: "a digital collaboration between Fiji and India".
_JOINT_NOUN_BEFORE = re.compile(
    r"\b(?:collaboration|partnership|cooperation|co-operation|agreement|alliance|relationship|ties|dialogue)[ ]$"
)
_AGREED_WITH = re.compile(
    r"\b(?:signed|agreed|finalised|finalized|concluded|struck|sealed|reached|renewed|extended|terminated)"
    r"[ ]with[ ](?:the[ ])?"
)
# "A contract to build one of the UK's first connected vehicle corridors, on the A2 and M2 in Kent, has been
# awarded to Costain": a passive award names its recipient however far the sentence has come from the noun.
_AWARDED_TO = re.compile(
    r"\b(?:has|have|was|were|had)[ ]been[ ](?:awarded|granted|given|let)[ ]to[ ](?:the[ ])?"
)
_TO_SUPPORT = re.compile(r"\bto[ ](?:support|fund|finance|back|accelerate|expand)[ ](?:the[ ])?")
_FROM_FUNDER = re.compile(
    r"(?:\b(?:funding|support|backing|grant|grants|investment|loan|money|finance|financing|contribution|"
    r"and|received|receives|receive|raised|million|billion|bn|m|k|(?i:contract|contracts|order|orders))|\d)\s+$"
)
_BOUGHT_FROM = re.compile(
    r"\b(?:buy|buys|bought|buying|purchase[sd]?|procure[sd]?|order(?:s|ed)?)\b[^;]{0,40}$"
)
_INVESTS_BEFORE = re.compile(r"\binvest(?:s|ed|ing)?\b[^;,]{0,30}$")
_PURPOSE = re.compile(r"\bto[ ]+(?!the\b|a\b|an\b)[a-z]+\b")
_DESCRIBED_BY_COUNTRY = re.compile(
    r"(?:’s|'s)[ ](?:(?:largest|biggest|leading|first|only|oldest|top|most|best|fastest|main|national)\b|"
    r"(?!government|deal|agreement|partnership|memorandum|contract)[a-z]+[ ][a-z]+s\b)"
)
# A country that describes the name after it: "the US company Illumina", "UK tech firm Darktrace".
_COUNTRY_DESCRIBES = re.compile(rf"[ ](?:[a-z-]+[ ]){{0,2}}?{DESCRIPTOR_NOUN}[ ](?=[A-Z])")
_BUY_VERBS = frozenset({"buy", "buys", "bought", "buying"})
# "to buy British chip designer Alphawave", "buys Darktrace": a company, not goods, is bought.
_BUYS_A_COMPANY = re.compile(
    r"[ ](?:a[ ]|the[ ])?(?:(?:[A-Z][a-z]+|[a-z-]+)[ ]){0,3}?[A-Z][\w&-]*(?![\w-])(?![ ](?:aircraft|jets|tanks|missiles|drones|ships|vehicles|systems)\b)"
)
# "awarded Acme a £5m contract", "has given the university a grant", "NASA awards Leidos $120m contract": the
# recipient before the noun, perhaps described ("awarded broadband provider Freedom Fibre a contract").
_GIVEN_TO = re.compile(
    r"\b(?:awarded|awards|award|gave|given|gives|granted|grants|handed|offered)[ ]+(?:the[ ]+)?"
    rf"(?:(?:[\w-]+[ ]){{0,2}}?{DESCRIPTOR_NOUN}[ ])?(?=[A-Z])"
    # (a legal form's stop is no sentence's end: "has awarded iRobot Corp. a $200 million contract")
    r"(?=(?:[^.;:]|(?<=Corp)\.|(?<=Inc)\.|(?<=Ltd)\.|(?<=Co)\.){1,70}?"
    r"[ ](?:(?:a|an|the|its)[ ](?:[\w£$€.,-]+[ ]){0,4}|[£$€][\d.,]+\w*[ ](?:[\w-]+[ ]){0,3})$)"
)
# "Our partnership with Cisco", "our new agreement": the publisher's own agreement.
_OUR_AGREEMENT = re.compile(r"\b[Oo]ur[ ](?:[\w-]+[ ]){0,2}$")
_WITH = re.compile(r"[ ]with[ ]")
_NAME_BEFORE = re.compile(r"[A-Z][\w&.-]*[ ]$")
# An agreement word, then counterparts nobody names: "... with companies to work closely with them".
# "The planned procurement, known as the Strategic Mobile Solution": the name of a thing, no party.
_NAMED_THING = re.compile(r"\b(?:known[ ]as|called|dubbed|named)[ ](?:the[ ])?$")
# "Financial regulators from Japan and Switzerland have teamed up": the countries say where unnamed bodies
# come from; they are not the parties.
_BODIES_FROM = re.compile(
    r"\b(?:regulators|agencies|authorities|firms|companies|banks|universities|researchers|scientists|"
    r"officials|businesses|start-?ups|institutions|organi[sz]ations|operators|providers|experts|"
    r"delegations|supervisors|lenders|investors|insurers|manufacturers|suppliers)[ ](?:from|of|in)[ ]"
    r"(?:the[ ])?(?:[A-Z][\w.-]*(?:[ ][A-Z][\w.-]*)*(?:,[ ]|,?[ ]and[ ]))*$"
)
# "The Defence Resources Agency under the Ministry of National Defence": the body's parent, no party.
_PARENT_LINK = re.compile(r"[ ](?:under|within|part[ ]of|an[ ]agency[ ]of|a[ ]unit[ ]of)[ ](?:the[ ])?")


PLAIN_WORD_ZIPF = 4.0  # "Higher Education", "Member States", "Trading Update": words, not a name


def _plain_words(mention: Mention) -> bool:
    """Tell whether a name nothing else knows is only common English words in capitals ("Fire Service",
    "Artificial Intelligence"): a heading or a topic, not a party."""
    words = [word for word in re.split(r"[ -]", mention.name) if word]
    return (
        mention.kind == "name"
        and len(words) >= 2  # ("Epic", "Beam": one word may well be a company's name)
        and all(word[1:].islower() and is_common_word(word, PLAIN_WORD_ZIPF) for word in words)
    )


def _is_parent(text: str, mentions: Sequence[Mention], index: int) -> bool:
    """Tell whether a body is named only as the parent of the body just before it."""
    if index == 0 or mentions[index].kind not in ("organisation", "government"):
        return False
    before = mentions[index - 1]
    return (
        before.kind == "organisation"
        and _PARENT_LINK.fullmatch(text, before.end, mentions[index].start) is not None
    )


_WITH_UNNAMED = re.compile(
    # "eight memoranda of understanding (MoUs) with a clutch of companies", "seven memoranda of understanding
    # and agreement (MoU, MoA) with different industry players"
    r"(?:[ ]and[ ][a-z]+)?(?:[ ]\([^()]{1,20}\))?"
    r"(?:[ ](?:in|on|for)[ ](?:the[ ])?[a-z][a-z -]{0,40}?)?"  # "MoUs in the digital field with ten countries"
    r"[ ]with[ ](?:(?:more[ ]than|over|nearly|almost|about|around|some|at[ ]least)[ ])?(?:several[ ]|various[ ]|different[ ]|diverse[ ]|many[ ]|some[ ]|a[ ]number[ ]of[ ]|\d+[ ]|other[ ]|"
    r"a[ ](?:clutch|host|range|group|series|number)[ ]of[ ]|"
    r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a[ ]dozen|twenty|thirty|forty|fifty|"
    r"dozens[ ]of|scores[ ]of|hundreds[ ]of)[ ])?(?:private[ ])?"
    r"(?:[A-Z][a-z]+[ ]|local[ ]|domestic[ ]|national[ ]|foreign[ ]|international[ ]|leading[ ])?"
    r"(?:companies|firms|partners|industry|universities|start-ups|startups|organisations|organizations|"
    r"institutions|players|stakeholders|countries|manufacturers|suppliers|vendors|providers|operators|banks|"
    r"entities|agencies|bodies)\b"
)
# The named few of an unnamed group: "with a clutch of companies and institutions, among them Intel, ...".
_NAMED_EXAMPLES = re.compile(
    r"(?:[ ](?:and|or)[ ][a-z]+(?:[ ][a-z]+)?)?,?[ ](?:among[ ]them|amongst[ ]them|including|such[ ]as|notably|"
    r"namely)[ ](?:the[ ])?"
)
# A list item that opens with one agreement: "a memorandum of understanding on ...", "2. an agreement on ...".
_ITEM_MARK = r"(?:[-•*]|\d{1,2}[.)])"
_LISTED_ONE = re.compile(rf"\s*(?:{_ITEM_MARK}\s*)?(?:an?|one)\s+(?:new\s+)?")
_NUMBERED_ONE = re.compile(rf"\s*{_ITEM_MARK}\s*(?:an?|one)\s")
_IN_THE_DEAL = re.compile(
    r"[ ](?:[^.;]{0,40}?[ ])?in[ ](?:the|this)[ ](?:[\w-]+[ ]){0,2}?(?:deal|agreement|programme|scheme|partnership)\b"
)
_EACH = re.compile(r"\beach[ ](?:\w+[ ]){0,2}$")
# Words that make "wins" a noun: "record contract wins".
_WINS_AS_NOUN = re.compile(r"\b(?:contract|contracts|record|export|recent|big|major|new)[ ]$")
# A sum "of" or "in" plural agreements is their total: "£844 million of ESA contracts".
_SUM_OF = re.compile(
    r"[£$€][ ]?\d[\d.,]*[ ]?(?:million|billion|bn|m)?[ ](?:worth[ ])?(?:of|in)[ ](?:new[ ])?(?:[A-Z][\w-]*[ ]){0,2}$"
)
# The supplier a tender will choose, not one it chose: "Whoever wins the contract", "the successful bidder's".
_WHOEVER_WINS = re.compile(
    r"\b(?:[Ww]hoever|[Ww]hichever[ ](?:company|firm|bidder|supplier|consortium))[ ]"
    r"(?:wins|is[ ]awarded|secures|gets|takes)[ ](?:the[ ]|this[ ]|a[ ])?(?:[\w-]+[ ]){0,2}$"
)
_PASSIVE_BEFORE = re.compile(r"\b(?:been|was|were|be|is|are)[ ]$")
# What a choosing verb chose, when it names nobody: "has selected investor partners that ...".
_UNNAMED_CHOSEN = re.compile(
    r"[ ](?:[a-z-]+[ ]){0,2}(?:partners|suppliers|companies|firms|organisations|organizations|bidders|teams|"
    r"providers|businesses|projects|investors)\b(?![ ]?[:,(]|[ ](?:including|such[ ]as|namely|and|[A-Z\d]))"
)
# "of", "about" or "on" before a verb's -ing form make it a noun: "the benefits of investing in the UK".
_GERUND_AS_NOUN = re.compile(r"\b(?:of|about|on)[ ]$")
_PLURAL_DEAL_AFTER = re.compile(r"[ ](?:contracts|agreements|deals|grants|partnerships)\b")
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|of|on|from|with|by|for|to|about)[ ]$")
_AIM_OF = re.compile(r"\b(?:aim|aims|view|intention|goal|purpose|hope)[ ]of[ ]$")
_EVERY = re.compile(r"\b(?:every|any)[ ](?:[a-z-]+[ ]){0,2}$")
_IN_GENERAL = re.compile(
    r"\b(?:public|government|future|all|any|such|regional|local|smaller|larger|delivery|existing|(?<!binding[ ])commercial)[ ]+$"
)  # "which will include regional contracts procured centrally": contracts in general, none in particular
_TO_MARKET = re.compile(r"\b(?:went|go|goes|going|gone)[ ]to[ ]market\b")
_BID_FOR = re.compile(
    r"\b(?:bid|bids|bidding|tender|tendering|compete|competing|apply|applying|applications?|eligible)[ ]+for[ ]+"
    r"(?:the[ ]+|a[ ]+|new[ ]+|these[ ]+|future[ ]+)?(?:[\w-]+[ ]+)?$"
    # "has launched the tender for the second iteration of the Digital Services Framework"
    r"|\btender[ ]+for[ ]+(?:the[ ]+|a[ ]+)?(?:[\w-]+[ ]+){0,6}$"
)
_GRANT_CALL = re.compile(
    r"[ ](?:funding[ ])?(?:opportunit(?:y|ies)|competitions?|schemes?|calls?|programmes?|applications?|rounds?)\b"
)
# A sentence whose subject is a group nobody names: "Irish companies secured €24 million in ESA contracts"
# is a total, not an agreement of the publisher's.
# Groups of recipients or signatories a text counts without naming them.
_UNNAMED_MANY = (
    r"(?:companies|firms|businesses|organi[sz]ations|universities|institutions|SMEs|start-ups|startups|suppliers|"
    r"researchers|projects|applicants|teams|proposals|recipients|consortia|sector|sectors|industry|industries)\b"
)
_UNNAMED_AFTER_PLACE = re.compile(rf"(?:’s|'s)?[ ](?:[a-z-]+[ ])?{_UNNAMED_MANY}")
_UNNAMED_GROUP = re.compile(
    r"(?:[-•*][ ]+)?(?:(?:[Oo]ver|[Mm]ore[ ]than|[Nn]early|[Aa]lmost|[Aa]round|[Aa]bout|[Ss]ome)[ ]+)?(?:\d[\d,]*[ ]+)?"
    rf"(?:[A-Z][A-Za-z]*[ ]+)?(?:[a-z-]+[ ]+)?{_UNNAMED_MANY}"
)
# Ten or more agreements counted: "over 150 contracts", "32 memoranda of understanding".
_MANY = re.compile(
    r"(?<![\d.,£$€])(?<![A-Z]{3}[ ])(?:[1-9]\d|[1-9]\d{2,}|\d{1,3}(?:,\d{3})+"
    # the same in words: "forty-one contracts", "twenty projects", "dozens of"
    r"|\b(?:[Tt]en|[Ee]leven|[Tt]welve|(?:[Tt]hir|[Ff]our|[Ff]if|[Ss]ix|[Ss]even|[Ee]igh|[Nn]ine)teen"
    r"|(?:[Tt]wenty|[Tt]hirty|[Ff]orty|[Ff]ifty|[Ss]ixty|[Ss]eventy|[Ee]ighty|[Nn]inety)(?:-[a-z]+)?|[Hh]undreds[ ]of"
    r"|[Dd]ozens[ ]of))[ ]"
    r"(?:(?!million|billion|thousand|years?|months?)(?:[a-z-]+|[A-Z]{2,6})[ ]){0,3}$"  # "14 NHS contracts"
)
_TO_UNNAMED = re.compile(
    r"(?:[ ](?:worth|valued[ ]at|of)[^,;.]{0,40}?)?[ ]to[ ](?:(?:local|small|smaller|[A-Z][a-z]+)[ ]){0,2}(?:[Ss]mall[ ]and[ ][Mm]edium(?:-[Ss]ized)?[ ]"
    r"[Ee]nterprises|SMEs|companies|firms|businesses|suppliers|start-ups|startups)\b"
)
# One supplier nobody names: "awarded by Building Digital UK to a regional network builder".
_TO_AN_UNNAMED = re.compile(
    r"\bawarded(?:[ ]by[ ][^,;]{1,60}?)?[ ]to[ ](?:a|an)[ ](?:[\w-]+[ ]){0,3}?"
    r"(?:builder|supplier|provider|company|firm|contractor|operator|consortium|partner)\b"
)
# What a contract is let through: "under the RM6295 framework", "via the G-Cloud 14 framework".
_ROUTE_BEFORE = re.compile(
    r"\b(?:under|through|via|using|off)[ ](?:the[ ]|a[ ]|an[ ]|its[ ]|their[ ])?(?:[\w&’'-]+[ ]){0,5}$"
)
_TO_INVEST = re.compile(r"\s+to\s+(?:invest|spend|put|back|fund)\b")
# Verbs whose object is the other party: "acquire X", "backs X", "has selected X", "appointed X".
_TAKEOVERS = frozenset({"acquisition", "takeover", "completed the purchase", "completes the purchase"})
_TAKEN_OVER = re.compile(r"[ ]of[ ](?:the[ ])?")
# What a public body takes over is a business ("Sheffield Forgemasters International Ltd", "Cardiff
# Airport"), not equipment it acquires ("the acquisition of NASAMS").
_TAKEN_BODY = re.compile(
    r"[ ](?:Ltd|Limited|plc|PLC|Inc|Corp|Corporation|LLC|Group|Holdings|Company|Airport|Airports|Port)\.?$"
)
OBJECT_PARTY_VERBS = frozenset(
    {
        "acquire",
        "acquires",
        "acquired",
        "acquiring",
        "buy",
        "buys",
        "bought",
        "buying",
        "back",
        "backs",
        "backed",
        "backing",
        "selected",
        "selects",
        "picks",
        "picked",
        "chosen",
        "chose",
        "appointed",
        "appoints",
        "commissioned",
    }
)
_OBJECT_GAP = re.compile(r"[ \t]+(?:the[ \t]+|its[ \t]+|a[ \t]+)?")
_OWNERSHIP_WORDS = frozenset(
    {
        "stake",
        "equity stake",
        "shareholding",
        "shareholder",
        "equity investment",
        "acquisition",
        "takeover",
        "completed the purchase",
        "completes the purchase",
        "buy",
        "buys",
        "bought",
        "buying",
        "acquire",
        "acquires",
        "acquired",
        "acquiring",
    }
)
# A name right after one of these verbs is who was chosen or welcomed: "has appointed BAI Communications".
_CHOSEN_BEFORE = re.compile(r"\b(?:appointed|selected|chosen|named|welcomed|hired|engaged|awarded)\s+$")
_MODIFIER_GAP = re.compile(r"(?:’s|'s)?[ \t]+")
_NEGATED = re.compile(
    r"\b(?:[Nn]o|[Ww]ithout(?:[ ]an?)?|[Nn]ot[ ](?:an?|one|a[ ]single)|[Nn]ever[ ]an?|[Nn]either[ ]an?)[ ](?:[\w-]+[ ])?$"
)
_HEDGE = re.compile(
    r"\b(?:future|potential|closer|deeper|further|more|greater|increased|stronger|continued|ongoing|existing|"
    r"long-standing|longstanding|close|possible|wider|broader|genuine)[ ]+(?:[\w-]+[ ]+)?$"
    r"|\b(?:strengthen|deepen|expand|enhance|reaffirm|reaffirmed|celebrate|build on|review|continue|continuing|"
    r"continues)[ ]+(?:their|the|our|its|this)[ ]+$"
    r"|\b(?:decades|years|centuries|history)[ ]+of[ ]+$",
    re.IGNORECASE,
)
# Lower case but for sentence openers and "Lot 2": "Minister for Public Procurement" is a title, not buying.
_PROCUREMENT = re.compile(
    r"\b(?:[Ss]uppliers?|[Ll]ots?|call-off|procurement|tender|appointed|places? on|mini-competitions?|[Bb]uyers?)\b"
)
# A general agreement to supply something is a contract ("an agreement with Microsoft for the provision
# of a supercomputer"); a supplier chosen to do work ("has selected HPE to build the system") too.
_SUPPLY = re.compile(
    r"\b(?:for the (?:provision|supply|delivery|purchase|procurement|build|construction|launch|design|manufacture|"
    r"installation|maintenance) of|"
    r"to (?:supply|build|install|manufacture|design)(?:, [a-z]+)*(?:,? and [a-z]+)? (?:a|an|the)\b|"
    r"(?:to act |serve )?as (?:the )?(?:lead |prime |main |principal )?(?:contractor|supplier|integrator)\b|"
    r"(?:deal|agreement|contract)s?(?: [\w-]+){0,3}? (?:to|for) (?:buy|purchase|procure|acquire) (?:\d|a|an|the|[a-z]+ \d)|"
    # "an agreement ... for 30 million doses", "a launch deal", "a £10m deal with Accenture to replace its system"
    r"for (?:up to |a further |an additional )?\d[\d,.]*(?: million| billion)? (?:[\w-]+ )?(?:doses|units|vehicles|"
    r"aircraft|jets|satellites|launches|helicopters|ships|vessels|missiles|tanks|drones|systems)\b|"
    r"\blaunch (?:deal|agreement|contract)s?\b|"
    r"(?:deal|agreement)s?(?: [\w£$€.-]+){0,5}? to replace (?:its|their|the)\b)"
)
# Words in a named agreement that make it a contract for goods or services ("the Supply Agreement", "the
# Long Term Partnering Agreement", "a Whole of Government agreement" is not one).
_SUPPLY_NAME = re.compile(
    r"\b(?:Supply|Purchase|Procurement|Enterprise|Partnering|Licen[cs]e|Launch|Hosting|Outsourcing|"
    r"Maintenance|Sales?)\b"
)
# A supplier's place on a procurement framework ("awarded a place on", "appointed as a supplier on").
_FRAMEWORK_PLACE = re.compile(
    r"\b(?:(?:a|its|their) places? on|appointed (?:as a supplier )?(?:on|to)|supplier on)\b"
)
_WORK = re.compile(
    r"\bto (?:supply|deliver|build|provide|install|operate|run|maintain|design|develop|manufacture|launch|help|set up|"
    r"lead|manage|host|create|produce|integrate|implement|modernise|modernize|upgrade|replace|roll out|scale up)\b"
    # "appointed as the infrastructure provider", "as transformation partner": a supplier's role
    r"|\bas (?:the |its |our |a |an )?(?:[\w-]+ ){0,3}?(?:provider|supplier|contractor|operator|integrator|"
    r"manufacturer|delivery partner|transformation partner|technology partner|strategic partner)\b"
    # "selected by RIKEN as its partner for the basic design", "chosen ... following an open tender"
    r"|\bas (?:the |its |our |a |an )?partner for\b|\b(?:an? |the )(?:open |public |competitive )?tender\b"
)
# Who follows an appointing verb when a person is given a post ("appointed tech entrepreneur Ian Hogarth").
_A_PERSON = re.compile(
    rf"[ \u00a0]+(?:(?:[a-z-]+[ ]){{0,4}}(?:{PERSON_JOB}|investor)(?:[ ][a-z-]+){{0,2}}[ \u00a0]+[A-Z][a-z]+[ \u00a0][A-Z][a-z]+\b|(?:Sir|Dame|Dr|Professor|Lord|Baroness|Mr|Mrs|Ms)\.?[ \u00a0])"
)
# Chosen to be given money: "selected ten teams to receive a total of $127 million".
_TO_RECEIVE = re.compile(r"[^.;:]{0,60}?\bto[ ](?:receive|share|get)[ ]")
SUPPLIER_CHOICE_VERBS = frozenset(
    {"selected", "selects", "chosen", "chose", "commissioned", "appointed", "appoints", "picks", "picked"}
)
_BOTH_SIDES = re.compile(
    r"\b(?:[Tt]he (?:two|2)|[Oo]ur (?:two|2)|[Bb]oth)[ ](?:[Gg]overnments|[Cc]ountries|[Nn]ations|[Ss]ides|[Ll]eaders|"
    r"[Mm]inisters|[Pp]rime [Mm]inisters|[Mm]inistries|[Ss]tates)\b"
)
_BOTH_BODIES = re.compile(
    r"\b(?:[Tt]he (?:two|2)|[Bb]oth)[ ](?:organi[sz]ations|companies|institutions|agencies|universities|"
    r"partners|parties|firms|bodies|organi[sz]ations’|regulators)\b"
)
_POSSESSIVE = re.compile(r"\s*(?:’s|'s)\s")
_THAT = re.compile(r"\s+(?:that|on the need|with the (?:view|need))\b")
_SIGNS_OF = re.compile(r"\s+of\b")
_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\s+(\d{4})\b",
    re.IGNORECASE,
)
_MONTHS_IN_ORDER = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NUMBERS = {name: number for number, name in enumerate(_MONTHS_IN_ORDER, 1)}


@dataclass(slots=True)
class _Agreement:
    """An agreement being assembled from the sentences that mention it."""

    kind: str
    parties: list[str]
    generic: bool = True  # the kind came only from a general word ("partnership", "agreement")
    statuses: set[str] = field(default_factory=set)
    signatories: list[Signatory] = field(default_factory=list)
    legal: set[str] = field(default_factory=set)
    date: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    several: bool = False  # named in the plural: "signed memoranda with Catalonia and the Basque Country"
    # "The Center has signed memorandums with five institutions": its counterparts are named later ("The
    # memorandums were signed with A, B and C"); until then it is no agreement, and it is one per counterpart
    awaiting: bool = False
    # the one party that signed each of several agreements with the others ("NIELIT signed MoUs with ...")
    home: str | None = None


@dataclass(frozen=True, slots=True)
class AgreementWords:
    """The agreement, legal and status words of a whole text, each list in text order."""

    words: list[re.Match[str]]
    legal: list[re.Match[str]]
    statuses: list[re.Match[str]]

    def sentence_indices(self, sentences: Sequence[Sentence]) -> list[int]:
        """Indices of the sentences holding an agreement or legal word: the only ones agreements are read from."""
        sentence_starts = [s.start for s in sentences]
        found = {bisect.bisect_right(sentence_starts, m.start()) - 1 for m in (*self.words, *self.legal)}
        return sorted(index for index in found if index >= 0)


# "Grant Shapps", "Grant Thornton": a capitalised agreement word before a capitalised word that is no
# English word is someone's first name or a firm's, not an agreement.
_NAME_AFTER = re.compile(r"[ \u00a0](?P<next>[A-Z][a-z]+)\b")


def _opens_a_name(text: str, word: re.Match[str]) -> bool:
    after = _NAME_AFTER.match(text, word.end())
    return (
        after is not None
        and text[word.start()].isupper()
        and " " not in word.group()
        and not is_common_word(after["next"], NAME_WORD_ZIPF)
    )


# An agreement word naming a competition for one: "the largest software framework tender in Spain".
_COMPETITION_AFTER = re.compile(r"[ ](?:tenders?|competitions?)\b")


def find_agreement_words(text: str, folded: str, lexicon: Lexicon) -> AgreementWords:
    """One pass per word list over the whole text; sentences then take their share by offset."""
    words = [
        *find_words(lexicon.agreement_pattern, text),
        *scan_words(lexicon.agreement_pattern_folded, folded),
    ]
    words = [
        word
        for word in words
        if not _opens_a_name(text, word) and not _COMPETITION_AFTER.match(text, word.end())
    ]
    if not words:
        return AgreementWords([], [], [])  # no agreement word: status and legal words do not matter
    words.sort(key=lambda m: m.start())
    # Legal words are few: when none of them occurs anywhere, the scan cannot find one.
    has_legal = any(word in folded for word in lexicon.legal_nature)
    legal = scan_words(lexicon.legal_nature_pattern, folded) if has_legal else []
    return AgreementWords(words, legal, scan_words(lexicon.status_pattern, folded))


def find_partnerships(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    lexicon: Lexicon,
    self_party: str,
    folded: str | None = None,
    found: AgreementWords | None = None,
    publishers: Sequence[str] = (),
) -> tuple[Partnership, ...]:
    """Return one `Partnership` per agreement the text reports, in order of first mention.

    `folded` is `fold_case(text)` and `found` is `find_agreement_words(...)` when the caller has them
    already (the topic finder needs the first, the mention finder the sentences of the second).
    """
    starts = [m.start for m in mentions]
    agreements: list[_Agreement] = []
    folded = fold_case(text) if folded is None else folded
    found = find_agreement_words(text, folded, lexicon) if found is None else found
    words, legal, statuses = found.words, found.legal, found.statuses
    word_starts, legal_starts, status_starts = ([m.start() for m in ms] for ms in (words, legal, statuses))
    countries = _national_governments(mentions)
    takes_part = is_public(self_party) or _names_itself(text, self_party, publishers)
    listed: list[tuple[int, int, str]] = []  # list items after an opening sentence, and its status
    counted: _Agreement | None = None  # the vague agreement ("three deals") of the last list's opening
    with_words = found.sentence_indices(sentences) if words else []
    for index in with_words:
        sentence = sentences[index]
        in_words = _between(words, word_starts, sentence)
        in_legal = _between(legal, legal_starts, sentence)
        if not in_words and not in_legal:
            continue
        low = bisect.bisect_left(starts, sentence.start)
        high = bisect.bisect_left(starts, sentence.end)
        # "Victoria Falls, Zimbabwe – 27 April 2023 – The Smart Africa Secretariat ...": a dateline's
        # place and country say where the news comes from, not who signed
        dateline = _DATELINE.match(text, _first_word(text, sentence), sentence.end)
        opening = dateline.end() if dateline is not None else sentence.start
        watched = _witnessed(text, sentence)
        in_sentence = [
            m
            for index, m in enumerate(mentions[low:high])
            if m.kind in PARTY_KINDS
            and m.start >= opening
            and not any(start <= m.start < end for start, end in watched)
            and not _is_parent(text, mentions, low + index)
            and not _NAMED_THING.search(text, max(sentence.start, m.start - 16), m.start)
            and not (
                m.kind == "place" and _BODIES_FROM.search(text, max(sentence.start, m.start - 80), m.start)
            )
            and not _plain_words(m)
        ]
        company = _THE_COMPANY.match(text, opening, sentence.end)
        if company is not None and (not in_sentence or in_sentence[0].start > company.end()):
            # "The company signed a memorandum with the state government": the company named before
            named = next((m for m in reversed(mentions[:low]) if _is_company(m)), None)
            if named is not None:
                in_sentence.insert(0, replace(named, start=company.start("it"), end=company.end()))
        body = _THE_BODY.match(text, opening, sentence.end) if company is None else None
        if body is not None and (not in_sentence or in_sentence[0].start > body.end()):
            # "The bank has chosen NZIA Limited": the bank the text named before
            head = re.compile(rf"\b{body['head']}\b", re.IGNORECASE)
            named = next(
                (
                    m
                    for m in reversed(mentions[:low])
                    if m.kind in ("organisation", "government") and m.party and head.search(m.name)
                ),
                None,
            )
            if named is not None:
                in_sentence.insert(0, replace(named, start=body.start("it"), end=body.end()))
        reading = _Reading(
            words=[
                w
                for w in in_words
                if not any(x.start <= w.start() < x.end and x.kind != "name" for x in in_sentence)
                and not _in_scare_quotes(text, sentence, w.start())
            ],
            legal={lexicon.legal_nature[m.group().lower()] for m in in_legal},
            status=None
            if _CONDITION_OPENS.match(sentence.text)
            else _status(
                text, _between(statuses, status_starts, sentence), lexicon, states_money(sentence.text)
            )
            or _listed_status(listed, sentence),
            # only "the two sides" / "both governments" read them: found only for such a sentence
            countries=(
                ()
                if not _BOTH_SIDES.search(sentence.text)
                else countries
                if len(countries) == 2
                else _nearby_governments(mentions, starts, sentence)
            ),
            publishers=publishers,
            publisher_takes_part=takes_part,
            bodies=(
                _nearby_bodies(mentions, starts, sentences[index - 1])
                if index and _BOTH_BODIES.search(sentence.text)
                else ()
            ),
        )
        before = len(agreements)
        _read_sentence(text, sentence, in_sentence, reading, lexicon, self_party, agreements)
        if introduces_list(sentence.text) and reading.status is not None:
            # "the Chancellor announced three deals:" then "- a £250 million contract for MBDA UK to supply
            # ...": each item reports its own agreement, with the status the opening sentence gives
            listed += [
                (start, end, reading.status) for start, end in list_items_after(text, sentence.end - 1)
            ]
            counted = agreements[-1] if len(agreements) > before and agreements[-1].generic else None
        elif counted is not None and len(agreements) > before and _listed_status(listed, sentence):
            # the deals the opening sentence counted are the items' own
            agreements[:] = [agreement for agreement in agreements if agreement is not counted]
            counted = None
        if (
            introduces_list(sentence.text)
            and agreements
            and (len(agreements) > before or agreements[-1].evidence)
        ):
            _read_list(text, sentence, mentions, starts, agreements, self_party)
            if len(agreements) > before and not agreements[-1].parties:
                agreements.pop()  # a list opener whose items named nobody
    _read_counted_lists(text, sentences, mentions, starts, agreements, self_party, with_words)
    _read_investor_runs(text, sentences, mentions, starts, agreements)
    _read_signed_by(text, sentences, mentions, starts, agreements, words, lexicon)
    _read_joint_actions(text, sentences, mentions, starts, agreements)
    _read_memberships(text, sentences, mentions, starts, agreements)
    for agreement in agreements:
        _with_publisher(agreement, self_party, publishers, takes_part)
    # A public body investing alone ("the NHS invests in technology") is spending, not a deal.
    kept = [
        a
        for a in agreements
        if not a.awaiting
        and not (a.kind == "investment" and len(a.parties) == 1 and is_public(a.parties[0]))
        # "The contracts will be awarded by DLR", "announced the release of the base services contracts":
        # a buyer's plans or tenders with nobody on the other side
        and not (
            a.statuses == {"planned"}
            and _STILL_TO_CHOOSE.search(a.evidence[0].sentence) is not None  # the sentence that made it
        )
        and not _own_business(a, lexicon)
        and not (
            a.kind in FUNDED_KINDS
            and len(consolidate_parties(a.parties, a.kind)) == 1
            and (
                # "Contracts awarded to support the programme": a buyer's contracts with no supplier named
                (
                    (a.several or _PLURAL_DEALS.search(a.evidence[0].sentence) is not None)
                    and (is_public(a.parties[0]) or a.parties[0] in (self_party, *publishers))
                )
                or a.statuses == {"planned"}
                or (
                    a.statuses <= {"planned", "announced"}
                    and is_public(a.parties[0])
                    and a.kind in ("contract", "framework_agreement")
                )
            )
        )
    ]
    # A one-sided fragment of an agreement the text reports with both sides elsewhere ("extend the Council's
    # contract" beside "the Council signed the deal with CGI") adds nothing; a lone one is kept: it still
    # says that an agreement exists.
    kept = [
        a
        for a in kept
        if len(set(a.parties)) != 1
        or a.kind in ("investment", "framework_agreement")
        or not any(b is not a and len(set(b.parties)) >= 2 and a.parties[0] in b.parties for b in kept)
    ]
    buyer = None if takes_part else _main_public_body(mentions)
    for agreement in kept:
        if (
            buyer is not None
            and agreement.kind in ("contract", "grant")
            and len(set(agreement.parties)) == 1
            and not is_public(agreement.parties[0])
            and buyer not in agreement.parties
        ):
            # "Fluor was awarded a $45.1 million contract modification" in a newspaper's round-up of the
            # Pentagon's awards: the buyer is the public body the report is about
            agreement.parties.insert(0, buyer)
    # "Kenya, Korea sign MoU" over "KOTRA has signed an MoU with the Konza Technopolis Development
    # Authority": the countries restate the agreement their bodies signed
    kept = [
        a
        for a in kept
        if not (
            len(a.parties) >= 2
            and all(NATIONAL_GOVERNMENT.match(p) for p in a.parties)
            and any(
                b is not a
                and b.kind == a.kind
                and len(set(b.parties)) == len(set(a.parties))
                and not any(NATIONAL_GOVERNMENT.match(p) for p in b.parties)
                for b in kept
            )
        )
    ]
    for agreement in kept:
        # (the publisher is a party by `_with_publisher` or none at all: no counterpart here)
        _counterpart_before(text, agreement, sentences, mentions, {self_party, *publishers})
    _read_transfers(text, sentences, mentions, starts, kept, self_party)
    _bought(kept)
    for agreement in kept:
        agreement.parties = [_fuller_name(party, mentions) for party in agreement.parties]
    return _distinct(_finish(agreement) for agreement in _one_per_recipient(kept, (self_party, *publishers)))


def _own_business(agreement: _Agreement, lexicon: Lexicon) -> bool:
    """Tell whether a contract or stake is between a government and one of its own bodies ("the Prime
    Minister announced our first contract" on Building Digital UK's page; "the Swiss government has
    commissioned Innosuisse"): the government's own business, no agreement."""
    if agreement.kind not in ("contract", "investment"):
        return False
    parties = set(consolidate_parties(agreement.parties, agreement.kind))
    return len(parties) == 2 and any(lexicon.body_governments.get(p) in parties for p in parties)


_PART_OF_BODY = re.compile(r"\band\b|&|\b(?:Centre|Center|Lab|Labs|Laboratory|Unit|Division)$")


def _fuller_name(party: str, mentions: Sequence[Mention]) -> str:
    """The name the text gave in full before it shortened it: "Micron Technology, Inc. … Micron will
    receive" makes the party "Micron Technology" (when only one fuller name fits)."""
    if NATIONAL_GOVERNMENT.match(party):
        return party
    first = min((m.start for m in mentions if (m.party or m.name) == party), default=None)
    longer = {
        m.party or m.name
        for m in mentions
        if m.kind == "organisation"
        and (first is None or m.start < first)
        and (m.party or m.name).startswith((f"{party} ", f"{party}, "))
        # not a list ("Terran Orbital and York Space Systems") nor a unit of the body ("MIMOS Quantum
        # Intelligence Centre")
        and not _PART_OF_BODY.search(m.party or m.name, len(party))
    }
    return longer.pop() if len(longer) == 1 else party


_HEADLINE_COUNTERPART_KINDS = frozenset({"organisation", "government", "place", "name"})


def with_headline_counterparts(
    partnerships: Sequence[Partnership], headline_mentions: Sequence[Mention], publishers: Sequence[str]
) -> tuple[Partnership, ...]:
    """Give a one-sided agreement of the body the other body the headline names.

    "Telstra Health to deliver WA's community health system": the body reports "the contract" with one side
    named; the headline names the other.
    """
    named = [
        m.party
        for m in headline_mentions
        if m.kind in _HEADLINE_COUNTERPART_KINDS
        and m.party is not None
        and m.party not in publishers
        and not is_press(m.party)
    ]
    completed = []
    for partnership in partnerships:
        sides = consolidate_parties(partnership.parties, partnership.kind)
        if len(sides) == 1 and partnership.kind != "investment" and partnership.evidence[0].part == "body":
            other = _other_side(sides[0], named, partnership.kind)
            if other is not None:
                partnership = replace(partnership, parties=(*partnership.parties, other))
        completed.append(partnership)
    return tuple(completed)


COUNTERPART_SENTENCES = 2  # how many sentences before an agreement's first one may name its other side
_COUNTERPART_KINDS = frozenset({"organisation", "name", "government", "place"})


def _counterpart_before(
    text: str,
    agreement: _Agreement,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    publishers: set[str],
) -> None:
    """Give a one-sided agreement the body named just before it as its other side.

    "Axiom Space ... The company has signed a memorandum of understanding with the agency": the sentence
    that reports the agreement names one side and refers back to the other.
    """
    sides = consolidate_parties(agreement.parties, agreement.kind)  # (what the parties come to)
    if len(sides) != 1 or not agreement.evidence:
        return
    if agreement.kind == "investment" and not (is_public(sides[0]) or INVESTOR_NAME.search(sides[0])):
        return  # "X raised £5m": a company's investment may stay one-sided; a fund's or a bank's names whom
    evidence = agreement.evidence[0]
    if evidence.part != "body":
        return
    party = sides[0]
    index = next((i for i, s in enumerate(sentences) if s.start <= evidence.start < s.end), None)
    if index is None:
        return
    start = sentences[max(0, index - COUNTERPART_SENTENCES)].start
    candidates = [
        m
        for m in mentions
        if start <= m.start < evidence.start
        and m.kind in _COUNTERPART_KINDS
        and m.party is not None
        and m.party != party
        and m.party not in publishers
        and m.name not in publishers
        and not is_press(m.party)
        and not (m.kind == "place" and _COUNTRY_DESCRIBES.match(text, m.end))  # "the US company Illumina"
    ]
    other = _other_side(party, [m.party for m in reversed(candidates) if m.party], agreement.kind)
    if other is None and index + 1 < len(sentences) and _BACK_TO_DEAL.search(sentences[index + 1].text):
        # "Hanwha has signed a $2.6 billion deal to deliver 152 howitzers ... Under the contract, the company
        # will also supply Poland's Armaments Agency ...": the sentence after, back at the deal, names the other
        following = sentences[index + 1]
        later = [
            m
            for m in mentions
            if following.start <= m.start < following.end
            and m.kind in ("organisation", "name")
            and m.party is not None
            and m.party != party
            and m.party not in publishers
            and m.name not in publishers
            and not is_press(m.party)
        ]
        other = _other_side(party, [m.party for m in later if m.party], agreement.kind)
    if other is not None:  # the nearest first
        agreement.parties.append(other)


_BACK_TO_DEAL = re.compile(
    r"\b(?:[Uu]nder|[Tt]hrough)[ ](?:the|this)[ ](?:[\w-]+[ ]){0,3}?"  # "Under the terms of the agreement"
    r"(?:agreement|contract|deal|memorandum|MoU|partnership|arrangement)\b"
)


def _other_side(party: str, names: Iterable[str], kind: str) -> str | None:
    """The first of `names` that stays a party of its own beside `party` (not the same body, not an agreement's
    name), and for an investment not another investor: an investor's other side is what it invests in."""
    for name in names:
        if kind == "investment" and (is_public(name) or INVESTOR_NAME.search(name)):
            continue
        if len(consolidate_parties([party, name], kind)) == 2:
            return name
    return None


# "It was signed by Denmark, Estonia, Finland ...": a pronoun for the agreement the sentence before reported.
# "Signatories were the Philippine Space Agency, ...": the same list, named as the signatories.
# Agreements of a whole sector, in the plural: "public sector contracts", "government contracts".
_SECTOR_WIDE = re.compile(
    r"\b(?:public[ -]sector|public|government|state|federal|council)[ ]$", re.IGNORECASE
)
# Contracts or grants in the plural: a buyer's awards, to suppliers a sentence may or may not name.
_PLURAL_DEALS = re.compile(r"\b(?:[Cc]ontracts|[Gg]rants)\b")
# Who is still to be chosen (a preferred bidder is chosen, bidders are not): "Successful bidders to form a
# public-private alliance with UKIFS", "It will seek two industry partners".
_STILL_TO_CHOOSE = re.compile(
    r"\b(?:bidders|applicants|tenderers)\b|\bseek(?:s|ing)?\b[^.;]{0,40}\bpartners?\b"
)
_NAMED_DEAL = re.compile(r"\b(?:agreements?|deals?|accords?|contracts?)$", re.IGNORECASE)
_SIGNED_BY_PRONOUN = re.compile(
    r"(?:(?:It|They|Both|This|These)[ \t]+(?:was|were|has[ \t]+been|have[ \t]+been|had[ \t]+been|will[ \t]+be)"
    r"[ \t]+(?:jointly[ \t]+|formally[ \t]+)?(?:signed|endorsed|concluded)[^.;:]{0,80}?[ \t]by"
    r"|(?:The[ \t]+)?[Ss]ignatories(?:[ \t]+(?:to|of)[ \t]+the[ \t]+[\w -]{1,40}?)?[ \t]+(?:were|are|include|included))"
    r"[ \t]+(?:the[ \t]+)?"
)


# "Deutsche Telekom and NVIDIA launch an industrial AI cloud", "BBC and Met Office reunite to deliver":
# two or more bodies named as the subject of one thing they do together.
_JOINT_ACTION = re.compile(
    r"[ ](?:(?:have|has|will|are|today|now|also|jointly)[ ])*(?P<verb>launch|launches|launched|launching|"
    r"unveil|unveils|unveiled|reunite|reunites|reunited|(?:agree|agreed|agrees)[ ]to[ ](?:work[ ]together|"
    r"cooperate|co-operate|collaborate|consider[ ]cooperation|develop|build|jointly|co-lead|co-chair|co-fund)|"
    r"work[ ]together|"
    r"(?:to[ ])?(?:build|form|establish|set[ ]up|create|co-develop|develop)[ ](?:a|an|the)?[ ]?(?:new[ ]|joint[ ])?"
    r"|plan|plans|planned)\b"
)
_TOGETHER_WITH = re.compile(r"\b(?:together|jointly)[ ]with[ ](?:the[ ])?")
_PLANNED_JOINT = frozenset({"plan", "plans", "planned"})


def reports_joint_action(sentence: str) -> bool:
    """Tell whether a sentence may report bodies doing something together ("X and Y launch ...")."""
    return " and " in sentence[:120] and _JOINT_ACTION.search(sentence, 0, 200) is not None


_JOINT_KINDS = ("organisation", "name", "government", "place")


def _read_joint_actions(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    starts: list[int],
    agreements: list[_Agreement],
) -> None:
    """Read a collaboration from two or more organisations that open a sentence and act together."""
    anchors = {e.sentence for a in agreements for e in a.evidence}
    for sentence in sentences:
        if sentence.text in anchors or not reports_joint_action(sentence.text):
            continue
        opening = _first_word(text, sentence)
        dateline = _DATELINE.match(text, opening, sentence.end)
        opening = dateline.end() if dateline is not None else opening
        if text.startswith("The ", opening):
            opening += 4  # "The World Health Organization and Germany will establish ..."
        low, high = bisect.bisect_left(starts, sentence.start), bisect.bisect_left(starts, sentence.end)
        by_start = {
            m.start: m
            for m in mentions[low:high]
            if m.kind in ("organisation", "name", "government") or (m.kind == "place" and m.party)
        }
        first = by_start.get(opening)
        if first is None:
            continue
        listed = _list_from(text, by_start, opening, sentence.end, _JOINT_KINDS)
        parties = list(dict.fromkeys(listed))
        kinds = [m.kind for m in by_start.values() if m.party in parties]
        if len(parties) < 2 or kinds.count("name") > 1:
            continue  # "Peter Kyle and Sam Altman launched": names nothing else knows may be people
        last = max(m.end for m in by_start.values() if m.party in parties)
        verb = _JOINT_ACTION.match(text, last, sentence.end)
        if verb is None or ("organisation" not in kinds and not verb["verb"].startswith("agree")):
            continue  # governments alone act together by agreement: "the UK and South Africa have agreed to"
        joined = _TOGETHER_WITH.search(text, verb.end(), sentence.end)
        if joined is not None:  # "... are launching the Swiss AI Initiative together with CSCS"
            parties += [
                p
                for p in _list_from(text, by_start, joined.end(), sentence.end, _JOINT_KINDS)
                if p not in parties
            ]
        status = (
            "planned" if verb["verb"] in _PLANNED_JOINT or verb["verb"].startswith("to ") else "announced"
        )
        agreement = _Agreement(kind="collaboration", parties=parties, statuses={status})
        agreement.evidence.append(
            Evidence(sentence=sentence.text, start=verb.start("verb"), end=verb.end("verb"))
        )
        agreements.append(agreement)


# "The FCA has become a full member of the Digital Regulation Cooperation Forum", "Wales has joined the
# European Semiconductor Regional Alliance": a body joining another is a collaboration between them.
_JOINS = re.compile(
    r"[ ](?:has[ ]|have[ ]|had[ ]|will[ ]|(?:agreed|decided|is[ ]set|plans)[ ]to[ ])?(?P<verb>joins|joined|join|"
    r"become[ ](?:a|an|the)[ ](?:\w+[ ]){0,2}?(?:member|signatory|partner)[ ](?:of|to)|"
    r"becomes[ ](?:a|an|the)[ ](?:\w+[ ]){0,2}?(?:member|signatory|partner)[ ](?:of|to))[ ](?:the[ ])?"
    r"(?:[\w’'-]+(?:’s|'s)[ ])?(?:new[ ])?"
)


_AS_A_JOB = re.compile(
    r"[ ]as[ ](?:its|their|the|a|an)?[ ]?(?:new[ ])?(?:[\w-]+[ ]){0,2}?(?:chief|director|head|chair|chairman|chairwoman|"
    r"president|officer|executive|adviser|advisor|manager|professor|secretary|CEO|CTO|CFO)\b"
)


def reports_membership(sentence: str) -> bool:
    """Tell whether a sentence may report a body joining another ("Uber has joined the UITP")."""
    return ("join" in sentence or "become" in sentence) and _JOINS.search(sentence) is not None


def _joinable(mention: Mention) -> bool:
    """A body one may join: an organisation, or a name of several words nothing else knows."""
    return mention.kind == "organisation" or (mention.kind == "name" and " " in mention.name)


def _read_memberships(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    starts: list[int],
    agreements: list[_Agreement],
) -> None:
    """Read "X has joined Y" / "X has become a member of Y" (Y an organisation) as a collaboration."""
    anchors = {e.sentence for a in agreements for e in a.evidence}
    for sentence in sentences:
        if sentence.text in anchors or ("join" not in sentence.text and "become" not in sentence.text):
            continue
        opening = _first_word(text, sentence)
        dateline = _DATELINE.match(text, opening, sentence.end)
        opening = dateline.end() if dateline is not None else opening
        low, high = bisect.bisect_left(starts, sentence.start), bisect.bisect_left(starts, sentence.end)
        in_sentence = [
            m
            for m in mentions[low:high]
            if m.party and m.kind in ("organisation", "government", "self", "place", "name")
        ]
        subject = next(
            (m for m in in_sentence if m.start == opening or text[opening : m.start] in ("The ", "the ")),
            None,
        )
        if subject is None or subject.party is None:
            continue
        verb = _JOINS.search(text, subject.end, min(sentence.end, subject.end + 60))
        if verb is not None and _SUBJECT_GAP.fullmatch(text, subject.end, verb.start()) is None:
            verb = None  # other words between the subject and "joined": not its verb
        if verb is None:
            continue
        body = next((m for m in in_sentence if m.start == verb.end() and _joinable(m)), None)
        if body is None or body.party is None or body.party == subject.party:
            continue
        if _AS_A_JOB.match(text, body.end, sentence.end):
            continue  # "Jane Smith has joined Acme Ltd as chief executive": a person taking a job
        agreement = _Agreement(kind="collaboration", parties=[subject.party, body.party], statuses={"signed"})
        agreement.evidence.append(
            Evidence(sentence=sentence.text, start=verb.start("verb"), end=verb.end("verb"))
        )
        agreements.append(agreement)


def lists_signatories(sentence: str) -> bool:
    """Tell whether a sentence lists who signed an agreement named before it ("It was signed by ...")."""
    return _SIGNED_BY_PRONOUN.match(sentence.lstrip()) is not None


def _read_signed_by(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    starts: list[int],
    agreements: list[_Agreement],
    words: Sequence[re.Match[str]],
    lexicon: Lexicon,
) -> None:
    """Read the signatories a pronoun sentence lists for the agreement the sentence before it reported.

    A list of two or more signatories is the agreement's parties: it says who signed more plainly than
    the sentences that named the agreement ("ministers of the Nordic and Baltic countries have signed").
    When the sentence before named an agreement but no parties, the list makes it.
    """
    by_evidence = {e.sentence: a for a in agreements for e in a.evidence}
    word_starts = [w.start() for w in words]
    for previous, sentence in itertools.pairwise(sentences):
        match = _SIGNED_BY_PRONOUN.match(text, _first_word(text, sentence), sentence.end)
        if match is None:
            continue
        low, high = bisect.bisect_left(starts, sentence.start), bisect.bisect_left(starts, sentence.end)
        by_start = {m.start: m for m in mentions[low:high] if m.kind in PARTY_KINDS}
        listed = list(dict.fromkeys(_list_from(text, by_start, match.end(), sentence.end, PARTY_KINDS_TUPLE)))
        agreement = by_evidence.get(previous.text)
        if agreement is None:
            in_words = _between(list(words), word_starts, previous)
            if not in_words or len(listed) < 2:
                continue
            kind, anchor, generic = _sentence_kind(text, previous, in_words, lexicon)
            if kind is None:
                continue
            agreement = _Agreement(kind=kind, parties=[], generic=generic, statuses={"signed"})
            agreement.evidence.append(
                Evidence(sentence=previous.text, start=anchor.start(), end=anchor.end())
            )
            agreements.append(agreement)
        if len(listed) >= 2:
            agreement.parties = listed
        elif listed and listed[0] not in agreement.parties and len(agreement.parties) < 2:
            agreement.parties.append(listed[0])
        else:
            continue
        agreement.evidence.append(Evidence(sentence=sentence.text, start=match.start(), end=match.end()))


# Buyers: money a defence ministry or a procurement body awards pays for work, it is no grant.
_BUYER = re.compile(
    r"\b(?:Ministry of Defen[cs]e|Department of Defen[cs]e|Defence Equipment and Support|Procurement|Armament|"
    r"Commercial Service|DE&S)\b"
)


def _bought(agreements: list[_Agreement]) -> None:
    """Turn grants from buyers ("BAE Systems has been awarded £3.95 billion by the Ministry of Defence")
    into contracts."""
    for agreement in agreements:
        if agreement.kind == "grant" and any(
            _BUYER.search(text)
            for text in (*agreement.parties, *(e.sentence for e in agreement.evidence[:1]))
        ):
            agreement.kind = "contract"


def _distinct(partnerships: Iterable[Partnership]) -> tuple[Partnership, ...]:
    """One agreement per kind and parties: "Microsoft" and "Microsoft Corp" investing are one investment."""
    kept: dict[tuple[str, frozenset[str], str], Partnership] = {}
    for partnership in partnerships:
        if not partnership.parties:
            continue  # "we plan to sign over 150 contracts": agreements nobody is named a party to
        first_said = partnership.evidence[0].sentence if partnership.evidence else ""
        # each numbered or bulleted item of a list of documents signed is an agreement of its own
        item = first_said if _NUMBERED_ONE.match(first_said) else ""
        key = (partnership.kind, frozenset(_LEGAL_SUFFIX.sub("", p) for p in partnership.parties), item)
        first = kept.get(key)
        if first is None:
            kept[key] = partnership
        else:
            kept[key] = replace(first, evidence=(*first.evidence, *partnership.evidence))
    return tuple(kept.values())


def _plural(word: str) -> bool:
    """Tell whether an agreement word names several agreements ("memoranda", "agreements", "MoUs"); a named
    one in capitals ("the Artemis Accords") is one."""
    head = word.partition(" of ")[0].split()[-1]  # "letters of intent", "cooperation agreements"
    return head in ("MoUs", "MOUs", "MoCs", "MOCs") or (
        head[:1].islower() and (head.endswith("s") or head == "memoranda")
    )


def _one_per_recipient(agreements: list[_Agreement], publishers: Sequence[str]) -> list[_Agreement]:
    """A contract or grant from one public buyer or funder (or the publisher) to several named recipients
    is one agreement per recipient: "contracts went to Sakura Internet, AWS, Google Cloud and Oracle".
    So are agreements named in the plural between the publisher and several others: "the First Minister
    signed memoranda with Catalonia and the Basque Country"."""
    split: list[_Agreement] = []
    for agreement in agreements:
        parties = consolidate_parties(agreement.parties, agreement.kind)
        if agreement.kind in ("contract", "grant"):
            home = [p for p in parties if is_public(p)] or [p for p in parties if p in publishers]
        else:
            home = [p for p in parties if p in publishers] if agreement.several else []
            if agreement.several and not home and agreement.home in parties:
                home = [agreement.home]
        others = [p for p in parties if p not in home]
        if len(home) != 1 or len(others) < 2:
            split.append(agreement)
            continue
        for other in others:
            split.append(replace(agreement, parties=[home[0], other]))
    return split


def _read_transfers(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    starts: list[int],
    agreements: list[_Agreement],
    self_party: str,
) -> None:
    """Read grants and investments reported as money passing between two named parties (`transfers.py`),
    and lists of awards ("Eight projects will share £24 million:" then "£5 million for HyImpulse ...").

    Only sentences no agreement was read from: "awarded a £2m contract to Acme" is a contract already.
    """
    anchors = sorted(e.start for a in agreements for e in a.evidence)
    for index, sentence in enumerate(sentences):
        if (
            opens_award_list(sentence.text)
            or (introduces_list(sentence.text) and _each_receives(sentences[max(0, index - 3) : index]))
        ) and any(
            # the sum it shares out, said before the list or just after its items, or each item's own
            states_money(near.text)
            for near in (
                *sentences[max(0, index - 3) : index],
                *_after_items(sentences, index + 1)[:2],
                *_items(sentences, index + 1)[:1],
            )
        ):
            # "Among those funded:" after the sum the award shares out: each item is a recipient
            low, high = bisect.bisect_left(starts, sentence.start), bisect.bisect_left(starts, sentence.end)
            named = _FUNDED_LIST.search(sentence.text)
            if named is None:
                named = _each_receives(sentences[max(0, index - 3) : index])
            if named is not None:
                _read_award_list(
                    text, sentence, mentions, starts, agreements, self_party, mentions[low:high], named
                )
            continue
        if not states_money(sentence.text):
            continue
        first = bisect.bisect_left(anchors, sentence.start)
        if first < len(anchors) and anchors[first] < sentence.end:
            continue
        low, high = bisect.bisect_left(starts, sentence.start), bisect.bisect_left(starts, sentence.end)
        shared = _SHARED_MONEY.search(sentence.text)
        if shared is not None and introduces_list(sentence.text):
            _read_award_list(
                text, sentence, mentions, starts, agreements, self_party, mentions[low:high], shared
            )
            continue
        funds = self_party if is_public(self_party) and _FUNDER_PUBLISHER.search(self_party) else None
        not_things = [
            m
            for m in mentions[low:high]
            if not _NAMED_THING.search(text, max(sentence.start, m.start - 16), m.start)
        ]  # "The trial, called EDITH, is backed by £11.5 million from ...": a thing's name gets no money
        for transfer in find_transfers(text, sentence.start, sentence.end, not_things, funds):
            lends = _LENDS.search(text, transfer.start, transfer.end) is not None
            kind = "investment" if lends or INVESTOR_NAME.search(transfer.funder) else "grant"
            parties = consolidate_parties([transfer.funder, transfer.recipient], kind)
            if len(parties) < 2:
                continue  # a department's money to its own government
            if (
                transfer.funder.endswith(("Government", "Executive"))
                and is_public(transfer.recipient)
                and not _LOCAL_AUTHORITY.search(transfer.recipient)
            ):
                continue  # a government funding its own bodies ("£2.5 billion for the NHS") is its budget
            target = _matching(agreements, kind, False, parties)
            if target is None:
                target = _Agreement(kind=kind, parties=parties, generic=False)
                agreements.append(target)
            target.evidence.append(Evidence(sentence=sentence.text, start=transfer.start, end=transfer.end))


# Publishers that hand out money in their own name: a government, a department, a funding agency.
_FUNDER_PUBLISHER = re.compile(
    r"\b(?:Government|Executive|Innovate UK|Research and Innovation|Fund|Council|Combined Authority|Invest [A-Z][a-z]+|Enterprise)\b"
)
# Local authorities are not a government's own bodies: money a department gives them is a grant.
_LOCAL_AUTHORITY = re.compile(r"\b(?:Council|Combined Authority|Borough|County)\b|^City of ")
# A loan or a stake is an investment whoever makes it ("approved a $170 million loan to Nigeria").
_LENDS = re.compile(r"\b(?:loans?|lend(?:s|ing)?|lent|equity|stakes?)\b")

# A sum shared out among the items of the list a sentence opens.
_SHARED_MONEY = re.compile(
    r"\b(?:share[sd]?|sharing|split|receiv(?:e|es|ed|ing)|awarded|allocated|winners|recipients|funding|grants)\b"
)


def _read_award_list(
    text: str,
    sentence: Sentence,
    mentions: Sequence[Mention],
    starts: list[int],
    agreements: list[_Agreement],
    self_party: str,
    in_sentence: Sequence[Mention],
    anchor: re.Match[str],
) -> None:
    """One grant per item of a list of awards, from the funder the opening sentence names (or the
    publisher, when it is a public body that gives money)."""
    funders = [m.party for m in in_sentence if m.kind in ("organisation", "government", "self") and m.party]
    funder = funders[0] if funders else (self_party if is_public(self_party) else None)
    if funder is None:
        return
    start = sentence.start + anchor.start()
    agreements.append(
        _Agreement(
            kind="grant",
            parties=[funder],
            generic=False,
            evidence=[Evidence(sentence=sentence.text, start=start, end=sentence.start + anchor.end())],
        )
    )
    _read_list(text, sentence, mentions, starts, agreements, self_party)
    if agreements[-1].parties == [funder]:
        agreements.pop()  # no item named a recipient


# A list of who got money, announced without a sum in its own sentence: "Among those funded:", "The
# successful projects are:", "The first winners include:", "The funding will be split between:".
_FUNDED_LIST = re.compile(
    r"\b(?:funded|successful|winners|recipients|beneficiaries|receiving[ ](?:\w+[ ])?(?:funding|support|grants?)|"
    r"receive[ ](?:\w+[ ])?funding|awarded funding|backed|supported|"
    r"(?:will|to)[ ]fund[ ]the|(?:split|shared|divided)[ ](?:between|among)|(?:will[ ]go|goes|allocated)[ ]to|"
    r"grants[ ](?:are|were|include|went[ ]to))\b",  # "The three grants are:"
    re.I,
)
# The body that leads an item of a list of funded centres or projects: it receives the money.
_LED_BY = re.compile(r"(?:,|[ ]–|[ ]-)?[ ](?:and[ ])?(?:jointly[ ])?led[ ]by[ ](?:the[ ])?")


# "Each will receive up to £10 million": the list that follows names who gets it.
_EACH_RECEIVES = re.compile(
    r"\b[Ee]ach(?:[ ]\w+)?[ ](?:will[ ]receive|receives|will[ ]get|gets|is[ ]to[ ]receive)\b"
)


def _each_receives(before: Sequence[Sentence]) -> re.Match[str] | None:
    """The words of a sentence before a list that give a sum to each of its items, if any."""
    return next((m for m in (_EACH_RECEIVES.search(s.text) for s in before) if m is not None), None)


# Who watches a signing is no party to it: "in a ceremony attended by Russian Prime Minister Vladimir Putin
# and French Prime Minister François Fillon", "in the presence of the two leaders, ...".
_WITNESSED = re.compile(
    r"\b(?:attended|witnessed|watched|presided[ ]over)[ ]by[ ]|\bin[ ]the[ ]presence[ ]of[ ]"
)


def _witnessed(text: str, sentence: Sentence) -> list[tuple[int, int]]:
    """Where a sentence names those who watched a signing: from the witnessing words to the next comma."""
    spans = []
    for witness in _WITNESSED.finditer(text, sentence.start, sentence.end):
        comma = text.find(",", witness.end(), sentence.end)
        spans.append((witness.end(), comma if comma != -1 else sentence.end))
    return spans


# A sentence that opens with the company the text has been naming: "The company signed ...".
_THE_COMPANY = re.compile(
    r"[\s“\"]*(?P<it>The[ ](?:company|firm|group|start-up|startup))\b(?![ ](?:of|that|which)\b)"
)


# "The bank", "The council", "The agency" opening a sentence: the body of that kind the text named before.
_THE_BODY = re.compile(
    # an opening adverb may come first: "More recently the ministry also awarded HP a contract"
    r"[\s“\"]*(?:(?:More[ ]recently|Separately|Meanwhile|Last[ ]year|Earlier|Later|In[ ]addition|Previously|"
    r"In[ ]\d{4}),?[ ])?(?P<it>[Tt]he[ ](?P<head>bank|council|university|agency|authority|fund|foundation|institute|board|"
    r"ministry|department|commission|corporation|consortium|regulator|trust|county|city|state|province))\b(?![ ](?:of|that|which|for)\b)"
)


def _is_company(mention: Mention) -> bool:
    """Tell whether a mention names a company (an organisation that is no public body, press or place)."""
    return (
        mention.kind == "organisation"
        and mention.party is not None
        and not is_public(mention.party)
        and not is_press(mention.party)
        and not _UNIVERSITY.search(mention.party)
    )


_UNIVERSITY = re.compile(r"\b(?:University|College|Institute|Academy|School)\b")


def _items(sentences: Sequence[Sentence], first: int) -> Sequence[Sentence]:
    """The run of list items ("- Lancashire County Council: £878,208") that starts at `first`."""
    return sentences[first : len(sentences) - len(_after_items(sentences, first))]


def _after_items(sentences: Sequence[Sentence], first: int) -> Sequence[Sentence]:
    """The sentences after a run of list items ("- Neocycl ...") that starts at `first`."""
    index = first
    while index < len(sentences) and sentences[index].text.lstrip().startswith(("-", "•", "*")):
        index += 1
    return sentences[index:]


def opens_award_list(sentence: str) -> bool:
    """Tell whether a sentence opens a list of recipients of money named before it."""
    return introduces_list(sentence) and _FUNDED_LIST.search(sentence) is not None


# A count compared, not a deal: "awarding fewer new contracts", "more partnerships like this".
_MORE_OR_FEWER = re.compile(r"\b(?:fewer|more|less)[ ](?:new[ ]|such[ ])?$")
# A sentence that opens with a condition tells what follows once something happens, not that it did:
# "Once one or more providers have been selected, installation is expected to take 27 months".
_CONDITION_OPENS = re.compile(r"(?:Once|If|Unless|Should|Until)[ ]")


def _listed_status(listed: Sequence[tuple[int, int, str]], sentence: Sentence) -> str | None:
    """The status of the sentence that opened the list a sentence is an item of, if it is one."""
    for start, end, status in listed:
        if sentence.start <= end and start <= sentence.end:
            return status
    return None


def introduces_list(sentence: str) -> bool:
    """Tell whether a sentence opens a list ("The agency awarded grants to:", "...the following:")."""
    return sentence.rstrip().endswith(":")


# An item may open with an amount before its recipient ("£2.5 million to Highlands and Islands Enterprise").
_ITEM_AMOUNT = re.compile(
    # "- £220,000 to the HALO Trust", "- LKR 41 million (£220,000) to the Food and Agriculture Organization",
    # "- Over $4.1 million for the University of Calgary", "- £7,400 – Twigworth Development Limited – for"
    r"(?:[Uu]p to |[Aa]round |[Oo]ver |[Nn]early |[Aa]lmost |[Mm]ore than )?(?:[£$€]|[A-Z]{3}[ ]?)[\d.,]+"
    r"(?:[ ]?(?:million|billion|m|bn|k))?(?:[ ]\([^()]{1,30}\))?(?:[ ](?:to|for)[ ]|[ ]?[–-][ ])"
    r"(?:support[ ]|help[ ])?(?:the[ ])?(?:[A-Z][\w]*-based[ ])?"
)


def _read_list(
    text: str,
    sentence: Sentence,
    mentions: Sequence[Mention],
    starts: list[int],
    agreements: list[_Agreement],
    self_party: str,
) -> None:
    """Read the list a sentence introduces: each item's leading name is a party.

    A grant, contract or investment goes to each item's recipient: one agreement per item, from the same
    funder or investor.
    Any other agreement (a framework's suppliers, a charter's members) gains the items as parties.
    """
    target = agreements[-1]
    if not target.evidence or target.evidence[-1].sentence != sentence.text:
        return
    items: list[list[str]] = []  # each item's leading names: "X and the University of Y – £6 million"
    for start, end in list_items_after(text, sentence.end - 1):
        amount = _ITEM_AMOUNT.match(text, start, end)
        position = amount.end() if amount else start
        if text.startswith(("The ", "the "), position):  # "- The Delaware Health Information Network."
            position += 4
        led = _LED_BY.search(text, position, min(end, position + 200))
        if led is not None:  # "- QuantIC, the hub for quantum imaging, led by the University of Glasgow"
            position = led.end()
        low, high = bisect.bisect_left(starts, position), bisect.bisect_left(starts, end)
        by_start = {m.start: m for m in mentions[low:high] if m.kind in PARTY_KINDS}
        mention = by_start.get(position)
        if mention is None or not mention.party:
            # "- Professor Reini Wirahadikusumah, Rector of the Bandung Institute of Technology": a signatory
            # nothing knows, then the body whose office they hold
            office = (
                _ITEM_OFFICE.search(text, position, min(end, position + 160))
                if _TITLED.match(text, position, end)
                else None
            )
            mention = by_start.get(office.end()) if office is not None else None
            if mention is None or not mention.party:
                continue
            position = mention.start
        item = [
            party
            for party in dict.fromkeys(_list_from(text, by_start, position, end, PARTY_KINDS_TUPLE))
            if not any(party in seen for seen in items)
        ]
        if item:
            items.append(item)
    names = [name for item in items for name in item]
    if not names:
        return
    if target.kind in ("grant", "contract", "investment"):
        others = [p for p in target.parties if p not in names]
        # the funder is no company: "Toshiba Medical Visualisation Systems ... received £3m" from the agency
        funder = next((p for p in others if not _COMPANY_NAME.search(p)), others[0] if others else self_party)
        template = target
        if not (len(set(target.parties)) >= 2 and _OTHER_ITEMS.search(sentence.text)):
            agreements.pop()  # the list names the recipients of the agreement the sentence reported
        for item in items:
            agreements.append(
                _Agreement(
                    kind=template.kind,
                    parties=[funder, *item],
                    generic=template.generic,
                    statuses=set(template.statuses),
                    legal=set(template.legal),
                    evidence=list(template.evidence),
                )
            )
        return
    for name in names:
        if name not in target.parties:
            target.parties.append(name)
            target.awaiting = False  # the other sides it waited for


# How many sentences before a list its agreements may be counted: "awarded eight contracts ... to look at
# new ways of meeting Canada's needs. The companies that received funding are:".
COUNTED_LIST_REACH = 2


def _read_counted_lists(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    starts: list[int],
    agreements: list[_Agreement],
    self_party: str,
    with_words: Sequence[int],
) -> None:
    """Read a list that names the other sides of agreements a sentence just before counted with one side
    only: "The Canadian Space Agency has awarded eight contracts ..." then "The companies that received
    funding are:", or "Tegas and its partners exchanged six memoranda" then "The six partners are:".

    Only a list whose opening sentence reports no agreement of its own (those are read with their
    sentence), and only agreements named in the plural or waiting for their other sides.
    """
    read = set(with_words)  # (sentences with agreement words: their lists are read with them)
    for index, sentence in enumerate(sentences):
        if index in read or not introduces_list(sentence.text):
            continue
        reach = sentences[max(0, index - COUNTED_LIST_REACH) : index]
        if not reach:
            continue
        counted = next(
            (
                agreement
                for agreement in reversed(agreements)
                if (agreement.several or agreement.awaiting)
                and len(set(agreement.parties)) == 1
                and any(
                    reach[0].start <= e.start < reach[-1].end for e in agreement.evidence if e.part == "body"
                )
            ),
            None,
        )
        if counted is None:
            continue
        agreements.remove(counted)
        agreements.append(counted)
        counted.home = counted.home or counted.parties[0]
        opener = Evidence(sentence=sentence.text, start=sentence.start, end=sentence.end - 1)
        counted.evidence.append(opener)
        before = list(counted.parties)
        _read_list(text, sentence, mentions, starts, agreements, self_party)
        if agreements[-1] is counted and counted.parties == before:
            counted.evidence.remove(opener)  # no item named anybody
        else:
            counted.awaiting = False


# How many sentences after "signed nine MoUs" may each name a company that will invest under one of them.
INVESTOR_RUN = 10
# What may open a sentence before the company that will invest: a list mark, "Under its MoU,", an article,
# a description ("the Japanese company", "Singapore-based").
_BEFORE_INVESTOR = re.compile(
    r"[\s\-–•*]*(?:Under[ ](?:its|the|their)[ ](?:MoU|MOU|memorandum|agreement)s?,[ ])?"
    r"(?:(?:the|The)[ ])?(?:[a-z][\w-]*[ ]){0,3}(?:[A-Z][\w-]*-(?:based|headquartered)[ ])?"
)
# The company's own plan, right after its name (or a description between commas): "will invest ₹2,277 crore".
_WILL_INVEST = re.compile(
    r"\.?(?:’s|'s)?(?:[ ](?:[A-Z][\w-]*\.?|and|of|&))*(?:[ ][a-z]+){0,2}?(?:,[^,;]{1,90},)?[ ]"
    r"(?:will|would|is[ ]to|is|are|has[ ]agreed[ ]to|plans[ ]to)[ ]"
    r"(?:also[ ])?(?:invest|investing|set[ ]up|setting[ ]up|establish|establishing|build|building|expand|"
    r"expanding|develop|developing|put|putting|spend|spending)\b"
)


def _read_investor_runs(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    starts: list[int],
    agreements: list[_Agreement],
) -> None:
    """After "The Tamil Nadu government signed nine MoUs ...", each company the following sentences open
    with and say will invest or set up ("Ather Energy will establish a manufacturing facility ...") is the
    other side of one of those MoUs, not an investment of its own.
    """
    sentence_starts = [s.start for s in sentences]
    for counted in list(agreements):
        body = [e for e in counted.evidence if e.part == "body"]
        if counted.kind != "memorandum_of_understanding" or not counted.several or not body:
            continue
        home = [p for p in dict.fromkeys(counted.parties) if is_public(p)][:1]  # the first: the subject
        if not home:
            continue
        index = bisect.bisect_right(sentence_starts, body[0].start) - 1
        named: list[str] = []
        own: list[_Agreement] = []
        for sentence in sentences[index + 1 : index + 1 + INVESTOR_RUN]:
            low, high = bisect.bisect_left(starts, sentence.start), bisect.bisect_left(starts, sentence.end)
            subject = next((m for m in mentions[low:high] if m.kind in PARTY_KINDS and m.party), None)
            if (
                subject is None
                or subject.kind not in ("organisation", "name")
                or _BEFORE_INVESTOR.fullmatch(text, sentence.start, subject.start) is None
                or _WILL_INVEST.match(text, subject.end, sentence.end) is None
                or subject.party in counted.parties
                or is_public(subject.party or "")
            ):
                continue
            party = subject.party or subject.name
            named.append(party)
            # its own one-sided investment, read from the same sentence, is this MoU's
            own += [
                a
                for a in agreements
                if a is not counted
                and set(a.parties) == {party}
                and any(sentence.start <= e.start < sentence.end for e in a.evidence)
            ]
        if len(named) >= 2:
            counted.home = home[0]
            counted.parties = list(dict.fromkeys([home[0], *counted.parties, *named]))
            agreements[:] = [a for a in agreements if not any(a is o for o in own)]


# "The MoU was signed ... by the leaders of the consortium's six founding members:": the items say who.
_SIGNED_BY_LIST = re.compile(
    r"\bsigned\b[^:]*\bby[ ](?:the[ ])?(?:leaders|heads|representatives|following)\b"
)
# A list opener that hands the agreements it counts to the items: "... have been awarded to:".
_AWARDED_TO_LIST = re.compile(r"\b(?:awarded|go|goes|went|given|granted|allocated)[ ]to:\s*$")
_TITLED = re.compile(r"(?:(?:Professor|Prof\.?|Dr\.?|Mr|Mrs|Ms|Sir|Dame|H\.E\.)[ ])+[A-Z]")
_ITEM_OFFICE = re.compile(
    r",[ ](?:[A-Z][\w-]*[ ]){1,6}?(?:for[ ](?:[A-Z][\w-]*[ ]){1,3})?(?:of|at)[ ](?:the[ ])?"
)
# "Other companies that benefited ... included:": more recipients beside the one already named.
_OTHER_ITEMS = re.compile(r"\b(?:[Oo]ther|[Aa]lso|[Ff]urther)\b")
_COMPANY_NAME = re.compile(
    r"[ ](?:Ltd|Limited|plc|PLC|Inc|Corp|Corporation|LLC|Group|Holdings|Systems|Technologies|Solutions)\.?$"
)


@dataclass(slots=True)
class _Reading:
    """What the whole-text passes found in one sentence, and the national governments of the whole text."""

    words: list[re.Match[str]]
    legal: set[str]
    status: str | None
    countries: tuple[str, ...] = ()
    publishers: Sequence[str] = ()  # the page's own organisations
    # the publisher takes part in what it reports: a public body, or one the text names (not a newspaper)
    publisher_takes_part: bool = True
    bodies: tuple[str, ...] = ()  # for "the two organisations": the two bodies the sentences before named


# How far back "the two leaders" may look for the two governments when the text names more than two.
NEARBY_GOVERNMENTS_CHARS = 500


def _nearby_governments(
    mentions: Sequence[Mention], starts: list[int], sentence: Sentence
) -> tuple[str, ...]:
    """The last two national governments named up to the end of a sentence ("the UK and Italy ... the two
    leaders signed"), for texts that name other countries (Ukraine, Russia) too."""
    low = bisect.bisect_left(starts, sentence.start - NEARBY_GOVERNMENTS_CHARS)
    latest_first = _national_governments(mentions[low : bisect.bisect_left(starts, sentence.end)][::-1])
    return latest_first[:2][::-1]


def _nearby_bodies(mentions: Sequence[Mention], starts: list[int], previous: Sentence) -> tuple[str, ...]:
    """The two bodies the sentence before names ("The Met Office and Deltares have set out ... A Letter of
    Intent was signed by the two organisations"), when it names exactly two."""
    window = mentions[bisect.bisect_left(starts, previous.start) : bisect.bisect_left(starts, previous.end)]
    named = [m for m in window if m.kind in ("organisation", "name") and m.party and not is_press(m.party)]
    bodies = tuple(dict.fromkeys(m.party for m in named if m.party))
    known = any(m.kind == "organisation" for m in named)  # two stray capitals are no evidence of two bodies
    return bodies if len(bodies) == 2 and known else ()


def _national_governments(mentions: Sequence[Mention]) -> tuple[str, ...]:
    """The national governments a text names, in order of first mention ("the two governments" are these)."""
    found: list[str] = []
    for mention in mentions:
        party = mention.party
        if party is None or party in found or not NATIONAL_GOVERNMENT.match(party):
            continue
        if mention.kind == "government" or (mention.kind == "place" and mention.country):
            found.append(party)
    return tuple(found)


def _between(matches: list[re.Match[str]], starts: list[int], sentence: Sentence) -> list[re.Match[str]]:
    """Return the matches that start inside the sentence (`starts` are their sorted start offsets)."""
    low = bisect.bisect_left(starts, sentence.start)
    high = bisect.bisect_left(starts, sentence.end)
    return matches[low:high]


def _read_sentence(
    text: str,
    sentence: Sentence,
    mentions: list[Mention],
    reading: _Reading,
    lexicon: Lexicon,
    self_party: str,
    agreements: list[_Agreement],
) -> None:
    """Create, extend or annotate agreements from one sentence."""
    if not reading.words:
        if reading.legal and agreements:
            agreements[-1].legal.update(reading.legal)
        return
    kind, anchor, generic = _sentence_kind(text, sentence, reading.words, lexicon)
    if kind is None:
        return
    if (
        _plural(anchor.group())
        and _KINDS_LISTED.fullmatch(text, sentence.start, anchor.start())
        and (_LIST_GOES_ON.match(text, anchor.end(), sentence.end))
    ):
        return  # "Direct contracts, framework agreements and the marketplace: how the agency buys": kinds
    if _plural(anchor.group()) and _OPPORTUNITY.search(
        text, max(sentence.start, anchor.start() - 90), anchor.start()
    ):
        return  # "to help SMEs bid for, and win, defence contracts": contracts for somebody to win
    if (
        _plural(anchor.group()) or _PLURAL_HEAD_AFTER.match(text, anchor.end(), sentence.end)
    ) and _PIPELINE_LIST.search(text, max(sentence.start, anchor.start() - 140), anchor.start()):
        return  # "the value of new tenders, re-procurements and contract extensions": a buyer's pipeline
    if _plural(anchor.group()) and _MORE_OR_FEWER.search(
        text, max(sentence.start, anchor.start() - 16), anchor.start()
    ):
        return  # "VA is awarding fewer new contracts": how many such deals there are, none made here
    status = reading.status
    parties = _parties(text, sentence, mentions, anchor, self_party, kind)
    parties += [p for p in _named_with(text, mentions, anchor) if p not in parties]
    both_sides = _BOTH_SIDES.search(text, sentence.start, sentence.end)
    if (
        both_sides is not None
        and len(reading.countries) == 2
        and len(set(parties)) < 2
        and not (
            both_sides.start() > anchor.start()
            and any(
                m.kind == "organisation" and m.party not in parties and m.end <= anchor.start()
                for m in mentions
            )
        )
    ):
        # "the two governments signed"; not "GE signed an MoU with HAL ... cooperation between the two
        # countries", nor "The state-run Export-Import Bank of Korea said that it has signed an MoU with the
        # US Department of Energy to support ... projects between the two countries": a body signed it
        parties += [p for p in reading.countries if p not in parties]
    elif _BOTH_BODIES.search(sentence.text) and len(parties) < 2:
        bodies = [m.party for m in mentions if m.kind == "organisation" and m.party]
        if len(set(bodies)) == 2:  # "JAXA ... and Toyota ... announced that the two organisations agreed"
            parties += [p for p in dict.fromkeys(bodies) if p not in parties]
        elif not bodies:  # "... signed by the two organisations": those the sentences before named
            parties += [p for p in reading.bodies if p not in parties]
    if (
        status is not None
        and kind != "investment"  # "the UK investing £500m ... partnering with companies like OpenAI"
        and not _may_create(kind, parties, self_party)
        and (status != "announced" or not generic)
    ):
        parties = _sentence_parties(text, sentence, mentions, parties, self_party, kind)
    if (
        status is None
        and len(parties) >= 2
        and _names_a_pair(text, sentence, mentions, anchor, generic, first=_latest(agreements, kind) is None)
    ):
        status = "announced"  # "a partnership between the department and the Nuffield Foundation"
    names_vague_deal = (  # "agreed a deal worth £400 million with Google Cloud ... The contract, placed by"
        not generic
        and agreements
        and agreements[-1].generic
        and agreements[-1].kind in _VAGUE_KINDS
        and _refers_back(text, sentence, anchor)
    )
    if status is None and _latest(agreements, kind) is None and not names_vague_deal:
        return  # nothing to create and nothing of this kind to refer back to
    if kind == "investment" and not parties:
        parties = _opening_investor(text, sentence, mentions, self_party)
    if kind == "investment" and anchor.group().lower() in ("raised", "raises") and len(parties) < 2:
        parties = []  # "£8m raised by Elasmogen": money raised from investors nobody names
    opens_list = introduces_list(sentence.text)  # "The fund has invested in:" and its items are the parties
    public_spending = all(p == self_party for p in parties) and is_public(self_party) and not opens_list
    if kind == "grant" and any(
        INVESTOR_NAME.search(p) for p in parties if p != self_party or len(parties) == 1
    ):
        kind = "investment"  # a fund, bank or venture firm that provides money invests it
    # "Nvidia has acquired VinBrain": an investment between two companies, no sum needed (a public body
    # "acquiring" is buying equipment, and its stakes come with a sum)
    owns = (
        anchor.group().lower() in _OWNERSHIP_WORDS
        and len(set(parties)) >= 2
        # "the Welsh Government has completed the purchase of Cardiff Airport": a takeover names what it
        # takes over, whoever buys it
        and (
            not any(is_public(p) for p in parties)
            or (anchor.group().lower() in _TAKEOVERS and any(_TAKEN_BODY.search(p) for p in parties))
        )
    )
    # "signed a loan agreement with the Government of Ghana": an agreement named as one needs no sum
    named_deal = _NAMED_DEAL.search(anchor.group()) is not None and len(set(parties)) >= 2
    if kind == "investment" and (
        public_spending or not (states_money(sentence.text) or opens_list or owns or named_deal)
    ):
        parties = []  # government spending on its own is a figure, not an agreement
    elif (
        kind in FUNDED_KINDS
        and len(parties) == 1
        and parties[0] not in (self_party, *reading.publishers)
        and not (_plural(anchor.group()) and _WITH_UNNAMED.match(text, anchor.end(), sentence.end))
    ):
        if _UNNAMED_GROUP.match(sentence.text) is not None:
            return  # "Irish companies secured €24 million in ESA contracts": a total, nobody's agreement
        if _TO_UNNAMED.match(text, anchor.end(), sentence.end) or _TO_AN_UNNAMED.search(
            text, anchor.end(), sentence.end
        ):
            # "has awarded a set of contracts to Small and Medium Enterprises (SMEs)", "has been awarded by
            # Building Digital UK to a regional network builder": to no one named
            return
        if _BY_ONE_BUYER.search(sentence.text) or _FOR_COUNTED.search(sentence.text):
            # "numerous contracts awarded by the Ministry of Defence", "$73 million in awards for 29
            # projects": to recipients nobody names
            return
        if reading.publisher_takes_part and not (_plural(anchor.group()) and is_public(parties[0])):
            # (a newspaper reporting a council's contract is no party to it; nor is a company to a
            # department's deals in the plural: "before further franchises are re-let")
            parties.append(self_party)
    evidence = Evidence(sentence=sentence.text, start=anchor.start(), end=anchor.end())
    if (
        not parties
        and agreements
        and agreements[-1].parties
        and _LISTED_ONE.fullmatch(text, sentence.start, anchor.start())
    ):
        # "The documents signed are: 1. a memorandum of understanding on ICT; 2. a memorandum of
        # understanding on cyber security; ...": one more agreement between the same parties per item
        agreements.append(
            _Agreement(kind=kind, parties=list(agreements[-1].parties), generic=generic, statuses={"signed"})
        )
        agreements[-1].evidence.append(evidence)
        return
    target = _matching(agreements, kind, generic, parties, own_sum=states_money(sentence.text))
    if agreements and _JOINS_THE.search(text, max(sentence.start, anchor.start() - 40), anchor.start()):
        # "Dstl has joined the renewed agreement": one more party to the agreement the text just reported
        joining = [p for p in _subject(text, sentence, mentions, anchor) if p not in agreements[-1].parties]
        if joining:
            agreements[-1].parties.extend(joining)  # (a party that joins is one more side: not merged)
            target, parties = agreements[-1], []
    if (
        target is None
        and parties
        and _DEFINITE.search(text, max(sentence.start, anchor.start() - 12), anchor.start())
    ):
        # "Leeds City Council has appointed three suppliers to a new framework ... Fujitsu Services and
        # Methods Advisory ... will sit on the framework": the others of an agreement only one side named
        incomplete = _latest(agreements, kind)
        if (
            incomplete is not None
            and len(set(incomplete.parties)) == 1
            and incomplete.kind == kind
            and (kind in ("contract", "framework_agreement", "other") or incomplete.awaiting)
        ):
            target = incomplete
    if (
        target is None
        and _SIGNED_BY_AFTER.match(text, anchor.end(), sentence.end)
        and _refers_back(text, sentence, anchor)
        and (signed := _latest(agreements, kind)) is not None
        and set(parties) <= {m.party for m in mentions if m.kind == "name"}
    ):
        # "The MoU, signed by John Edwards and Lindy Cameron, ...": who signed the agreement already found
        target, parties = signed, []
    if target is None and names_vague_deal:
        # "signed a new £56 million deal with Openreach ... the new contract": the deal named precisely.
        target, parties = agreements[-1], []
    if target is None and len(set(parties)) < 2 and _WITH_UNNAMED.match(text, anchor.end(), sentence.end):
        # "signed memoranda of understanding with companies": nobody named on the other side (yet)
        if status is not None and len(parties) == 1 and _plural(anchor.group()):
            waiting = _Agreement(
                kind=kind, parties=parties, generic=generic, several=True, awaiting=True, home=parties[0]
            )
            waiting.statuses.add(status)
            waiting.evidence.append(evidence)
            agreements.append(waiting)
        return
    if target is None:
        # (a list opener may name nobody: "The MoU was signed by the leaders of its six members:")
        signers = (
            opens_list
            and (
                _SIGNED_BY_LIST.search(sentence.text) is not None
                # "Eight contracts ... have been awarded to:" on the buyer's own page: the items got them
                or (kind in FUNDED_KINDS and is_public(self_party) and _AWARDED_TO_LIST.search(sentence.text))
            )
            and _latest(agreements, kind) is None
        )
        if (
            status is not None
            and (parties or signers)
            and (_may_create(kind, parties, self_party) or opens_list)
        ):
            several = (
                _plural(anchor.group())
                or bool(_EACH.search(text, max(sentence.start, anchor.start() - 30), anchor.start()))
                # "seven companies ... have each signed a memorandum": one each
                or bool(_CHOSEN_TOGETHER.search(text, max(sentence.start, anchor.start() - 15), anchor.end()))
                # "A, B, C and D have been selected to provide ...": one contract each
            )
            target = _Agreement(kind=kind, parties=[], generic=generic, several=several)
            if several and _WITH.match(text, anchor.end(), sentence.end):
                subject = _subject(text, sentence, mentions, anchor)
                if len(set(subject)) == 1:  # "NIELIT signed MoUs with A, B and C": one each with NIELIT
                    target.home = subject[0]
            agreements.append(target)
        else:
            target = _latest(agreements, kind)
            if target is None:
                return
            parties = []
    if target.awaiting and any(p not in target.parties for p in parties):
        target.awaiting = False
    _merge(target, kind, generic, parties, lexicon, signing=has_word(SIGN_WORD, sentence.text))
    if status is not None:
        target.statuses.add(status)
    target.legal.update(reading.legal)
    target.evidence.append(evidence)
    if has_word(SIGN_WORD, sentence.text):
        _add_signatories(target, mentions)
        target.date = target.date or _date(sentence.text)


_WITH = re.compile(r"[^.;:]{0,40}?[ ]with[ ]")
# Ways of agreeing named as kinds in a list that opens a sentence: "Direct contracts, framework agreements and".
_KINDS_LISTED = re.compile(
    r"[\s“\"]*(?:(?!(?:[Tt]he|[Aa]n?|[Ii]ts|[Tt]heir|[Tt]hese|[Tt]hose|[Oo]ur|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]everal|[Nn]ew|[Bb]oth|[Aa]ll|It|They|This)\b)"
    r"[A-Za-z-]+(?:,[ ]|[ ])){0,5}"
)
_LIST_GOES_ON = re.compile(r"(?:,[ ]|[ ](?:and|or)[ ])")
_OPPORTUNITY = re.compile(
    r"\b(?:SMEs|small[ ]businesses|businesses|firms|companies|suppliers|start-ups|startups)\b[^.;:]{0,40}?"
    r"\b(?:bid|compete|win)\b[^.;:]{0,30}$"
)
# "contract" as a verb: "firms that contract directly with the MOD", "whether they contract with".
_CONTRACT_AS_VERB = re.compile(
    r"\b(?:they|we|you|who|which|that|can|could|may|might|will|would|firms|companies|suppliers|SMEs)"
    r"[ ](?:directly[ ]|also[ ])?$"
)
_WITH_AFTER = re.compile(r"[ ](?:directly[ ])?with\b")
# A list of what a buyer will procure, of which agreements are one sort: no agreement anybody made.
_PIPELINE_LIST = re.compile(
    r"\b(?:tenders|re-?procurements|procurements|requirements|opportunities|bids|renewals|competitions)"
    r"\b[^.;:]{0,80}?(?:,[ ]|[ ](?:and|or)[ ]|,[ ](?:and|or)[ ])(?:[\w-]+[ ]){0,2}$"
)
# The plural noun an agreement word describes: "contract extensions", "grant awards".
_PLURAL_HEAD_AFTER = re.compile(r"[ ](?:extensions|renewals|awards|opportunities|notices|variations)\b")
_JOINS_THE = re.compile(
    r"\b(?:joined|joins|join|signed[ ]up[ ]to|signs[ ]up[ ]to)[ ](?:the|this|that)[ ]"
    r"(?:(?:renewed|new|existing|same|extended|updated|revised|expanded)[ ])?$"
)
_FOR_COUNTED = re.compile(
    rf"\b(?:awards|grants|funding|contracts)[ ]for[ ](?:\d+|[a-z]+(?:-[a-z]+)?)[ ](?:[\w-]+[ ]){{0,2}}?{_UNNAMED_MANY}"
)
_BY_ONE_BUYER = re.compile(
    r"\b(?:contracts|grants|deals)[ ](?:\w+[ ]){0,2}?(?:awarded|let|placed|signed|issued)[ ]by[ ]"
)
_SIGNED_BY_AFTER = re.compile(r",?[ ](?:which[ ])?(?:was[ ]|were[ ])?(?:jointly[ ])?signed[ ]by[ ]")
_DEFINITE = re.compile(r"\b(?:[Tt]he|[Tt]his|[Tt]hat|[Ii]ts|[Tt]heir)[ ](?:new[ ]|same[ ]|latest[ ])?$")


def _refers_back(text: str, sentence: Sentence, anchor: re.Match[str]) -> bool:
    """Tell whether an agreement word is a definite reference ("the contract", "this memorandum")."""
    return _DEFINITE.search(text, max(sentence.start, anchor.start() - 20), anchor.start()) is not None


def _opening_investor(
    text: str, sentence: Sentence, mentions: Sequence[Mention], self_party: str
) -> list[str]:
    """The company that opens a sentence about an investment is its investor.

    "Blackstone has today (Thursday 19 September) set out plans for a £10 billion investment in ..."
    names no investor in a party position, but the sentence is about what its subject does.
    """
    if not _INVESTS.search(sentence.text):
        return []  # "has raised £100m to date", "a funding round": a company raising money invests nothing
    opening = _first_word(text, sentence)
    dateline = _DATELINE.match(text, opening, sentence.end)
    opening = dateline.end() if dateline is not None else opening
    for mention in mentions:
        if mention.start == opening and mention.kind in ("organisation", "name") and mention.party:
            return [] if is_public(mention.party) else [mention.party]
    return []


# "Mumbai, 19 July 2023: ", "LONDON, June 5 (Reuters) - ", "RIVIÈRE-DU-LOUP, QC, Nov. 26, 2020 /CNW Telbec/ - ":
# where and when, before the sentence proper.
_DATELINE = re.compile(
    r"[A-Z][\w .,’'–—-]{0,50}?\d{4}(?:[ ]\([A-Za-z ]+\)|[ ]/[^/\n]{2,30}/)?[ ]?[:–—-][ ]+|[A-Z][A-Z ]{2,30}[ ]?[–—-][ ]+"
    # wire copy: "ANKARA, Oct 27 (Reuters) - ", "BELGRADE (AFP) - ", "Washington/New Delhi, Jun 22 (PTI) "
    r"|[A-Z][A-Z .]{2,30}(?:,[ ][A-Z][a-z]{2,8}\.?[ ]\d{1,2})?[ ]\([A-Za-z ]{2,20}\)[ ]?[–—-][ ]+"
    r"|[A-Z][A-Za-z./ ]{2,40}?,[ ][A-Z][a-z]{2,8}\.?[ ]\d{1,2}[ ]\([A-Z]{2,6}\)[ ]+(?:[–—-][ ]+)?"
    r"|[A-Z][A-Z.]+(?:[ ][A-Z][A-Z.]+){0,3},[ ][A-Z][A-Za-z.]+(?:[ ][A-Z][A-Za-z.]+){0,2}[ ]?[–—][ ]+"  # "BREMEN, Germany — "
)
_INVESTS = re.compile(r"\b(?:invest|invests|investing|investment (?:of|in)|put £|spend)\b")


def _names_a_pair(
    text: str,
    sentence: Sentence,
    mentions: Sequence[Mention],
    anchor: re.Match[str],
    generic: bool,
    *,
    first: bool = False,
) -> bool:
    """Tell whether "between X and Y" right after the agreement word names its parties without a status word.

    Only organisations count after a general word: "the partnership between the UK and Estonia" and
    "between U.S. and U.K. scientists" describe relations, not a deal; quoted words are figures of speech.
    """
    if _OUR_AGREEMENT.search(text, max(sentence.start, anchor.start() - 30), anchor.start()) and _WITH.match(
        text, anchor.end()
    ):
        return True  # "our partnership with Cisco": the publisher's own agreement, its partner named
    # The first of a specific kind may say what it does before "between" ("This MoU sets out the framework
    # for co-operation between the Insolvency Service and the FCA"); a general word's "between" must follow
    # it, and a later mention ("The MoU strengthens cooperation between the two countries") adds nobody.
    reach = 70 if first and not generic else 12
    between = _BETWEEN.search(text, anchor.end(), min(sentence.end, anchor.end() + reach))
    if between is None or any(start <= anchor.start() < end for start, end in _quoted_spans(text, sentence)):
        return False
    if not generic:
        return True
    after = [m for m in mentions if between.end() <= m.start < between.end() + 80][:2]
    # "a service agreement between the Government of Ghana ... and Fly Zipline": a government with a body
    kinds = {m.kind for m in after}
    return bool(after) and (
        kinds <= {"organisation", "self", "name"}
        or (kinds == {"government", "organisation"} and len(after) == 2)
    )


# The deals the UK's governments strike with places: growth deals, city (region) deals, devolution deals.
_PLACE_DEAL = re.compile(
    r"(?:Growth|City|Cities|City-Region|City[ ]Region|Region|Devolution|Islands|Borderlands|Skills)[ ]$"
)
# "the Digital Economy Partnership Agreement", "the Free Trade Agreement": a named agreement is a treaty-like
# agreement of its own, whatever general word its name ends with.
_NAMED_AGREEMENT = re.compile(r"(?:[A-Z][\w–-]*[ ]){1,6}$")


# A role a person is appointed to: "has been appointed business champion", "appointed as its new chair".
_APPOINTED_TO_ROLE = re.compile(
    r"[ ](?:as[ ])?(?:the[ ]|a[ ]|an[ ]|its[ ]|our[ ]|their[ ])?(?:[\w-]+[ ]){0,3}?"
    r"(?:champion|chair|chairman|chairwoman|chairperson|adviser|advisor|ambassador|envoy|trustee|"
    r"commissioner|president|vice-president|chief[ ]executive|non-executive[ ]director)s?\b"
    # "has been appointed to lead the review": a person given a post; firms are appointed to deliver
    r"|[ ]to[ ](?:lead|chair|head)[ ](?:the[ ]|a[ ]|an[ ]|its[ ]|this[ ])",
    re.IGNORECASE,
)


_CONTRACT_WORD = re.compile(r"\b[Cc]ontracts?\b")
_CONTRACT_CONTEXT = 400  # characters before the sentence: the one or two sentences just before it
_GRANT_WORD = re.compile(r"\b(?:[Gg]rants?|[Ff]und(?:s|ed|ing)?|[Ss]ubsid(?:y|ies)|[Ii]nvest\w*|[Ll]oans?)\b")


def _sentence_kind(
    text: str, sentence: Sentence, words: list[re.Match[str]], lexicon: Lexicon
) -> tuple[str | None, re.Match[str], bool]:
    """Pick the sentence's agreement kind (highest priority) and the word that names it."""
    best: tuple[int, str, re.Match[str]] | None = None
    has_money = states_money(sentence.text)
    tier = len(lexicon.kind_priority) + 1
    for match in words:
        word = match.group()
        kind = lexicon.agreement_nouns.get(word, lexicon.agreement_nouns.get(word.lower()))
        is_verb = kind is None
        if kind is None:
            verb_kind = lexicon.agreement_verbs.get(word.lower())
            if verb_kind is None:
                continue
            kind = verb_kind or ("grant" if has_money else None)
            if kind is None:
                continue
            if (
                not verb_kind
                and _CONTRACT_WORD.search(text, max(0, sentence.start - _CONTRACT_CONTEXT), sentence.start)
                and not _GRANT_WORD.search(sentence.text)
            ):
                # "Contracts worth almost £4 billion have been awarded ... The company has been awarded £3.95
                # billion to move into the detailed design phase": money awarded under the contracts just named
                kind = "contract"
            if word.lower().endswith("ing") and _GERUND_AS_NOUN.search(
                text, max(sentence.start, match.start() - 12), match.start()
            ):
                continue  # "the benefits of collaborating with UK companies": the act in general, no deal
            if word.lower() in ("appointed", "appoints") and _APPOINTED_TO_ROLE.match(text, match.end()):
                continue  # "the chief executive of BMW UK has been appointed business champion": a person's role
        rank = (
            lexicon.kind_priority.index(kind) if kind in lexicon.kind_priority else len(lexicon.kind_priority)
        )
        # Specific nouns first, then verbs, then general nouns: "signed a strategic partnership ... £1.5
        # billion invested" is a partnership; "invested £5m in Y under a partnership" an investment.
        written = text[match.start() : match.end()]  # as the text writes it (folded matches are lower case)
        named = (
            written[:1].isupper()
            and written.split()[-1]
            in ("Agreement", "Accord", "Treaty", "Convention", "Charter", "Declaration")
            and _NAMED_AGREEMENT.search(text, max(sentence.start, match.start() - 80), match.start())
        )
        named_partnership = (
            not named
            and written.split()[-1] == "Partnership"
            and kind == "collaboration"
            and _NAMED_AGREEMENT.search(text, max(sentence.start, match.start() - 80), match.start())
        )
        if written == "Deal" and _PLACE_DEAL.search(
            text, max(sentence.start, match.start() - 30), match.start()
        ):
            # "the Argyll and Bute Rural Growth Deal", "the Tay Cities Deal": the agreement the money goes into
            kind, rank = "other", -1
        elif named:
            kind = "contract" if _SUPPLY_NAME.search(text, named.start(), match.end()) else "other"
            rank = lexicon.kind_priority.index(kind) if kind in lexicon.kind_priority else rank
        elif named_partnership:  # "the UK-Viet Nam Green Finance Partnership": a partnership of its own
            rank = lexicon.kind_priority.index(kind) if kind in lexicon.kind_priority else rank
        elif is_verb:
            rank += tier
        elif word.lower() in lexicon.generic_nouns:
            rank = 2 * tier + lexicon.generic_order.index(word.lower())
        if (
            kind == "investment"
            and not has_money
            and word.lower() not in _OWNERSHIP_WORDS
            and not introduces_list(sentence.text)
            and _NAMED_DEAL.search(word) is None
        ):
            # "a 20% stake" is an investment without a sum, and so is "a loan agreement"; "invest in skills"
            # is not one
            continue
        if (
            not is_verb
            and _SECTOR_WIDE.search(text, max(sentence.start, match.start() - 30), match.start())
            and _plural(word)
        ):
            continue  # "a route into public sector contracts": contracts in general, nobody's agreement
        if is_verb and word.lower().startswith(("pledge", "commit")) and _TO_INVEST.match(text, match.end()):
            continue  # "pledged to invest £2bn": the investment verb says what it is
        if kind == "investment" and _IN_THE_DEAL.match(text, match.end(), sentence.end):
            continue  # "investing £103 million in the deal": money put into an agreement, not a stake
        if (
            is_verb
            and word.lower() in _BUY_VERBS
            and _BUYS_A_COMPANY.match(text, match.end(), sentence.end) is None
        ):
            continue  # "to buy 5,000 missiles from Thales": a purchase the contract words report
        if word.lower() == "contract" and text.startswith(" wins", match.end()):
            continue  # "record contract wins through the European Space Agency": wins counted, no contract
        if (
            _plural(word)
            # "each for up to $23 million in non-repayable contributions ...:" and the list of who gets them
            and not (kind == "grant" and introduces_list(sentence.text))
            and _SUM_OF.search(text, max(sentence.start, match.start() - 50), match.start())
        ):
            continue  # "secured £844 million of ESA contracts": contracts' total value, none in particular
        if (
            is_verb
            and word.lower() in SUPPLIER_CHOICE_VERBS
            and _UNNAMED_CHOSEN.match(text, match.end(), sentence.end)
            and not _PASSIVE_BEFORE.search(text, max(sentence.start, match.start() - 6), match.start())
        ):
            continue  # "has selected investor partners that have shown ...": whom, it does not say
        if is_verb and word.lower() in SUPPLIER_CHOICE_VERBS and not _WORK.search(sentence.text):
            continue  # "selected as host city" chose no supplier
        if (
            is_verb
            and word.lower() in SUPPLIER_CHOICE_VERBS
            and _TO_RECEIVE.match(text, match.end(), sentence.end)
        ):
            kind = (
                "grant"  # "has selected ten teams to receive a total of $127 million": funding, not a supply
            )
        if (
            is_verb
            and word.lower() in SUPPLIER_CHOICE_VERBS
            and _A_PERSON.match(text, match.end(), sentence.end)
        ):
            continue  # "has appointed tech entrepreneur Ian Hogarth to lead": a person given a post
        if kind in FUNDED_KINDS and _BID_FOR.search(
            text, max(sentence.start, match.start() - 80), match.start()
        ):
            continue  # "invited to bid for contracts": a competition, not a contract
        if kind in FUNDED_KINDS and _TO_MARKET.search(
            text, max(sentence.start, match.start() - 60), match.start()
        ):
            continue  # "the NHS went to market for companies to provide ...": a tender, no agreement yet
        if kind == "grant" and not is_verb and _GRANT_CALL.match(text, match.end(), sentence.end):
            continue  # "a grant opportunity", "the grant competition": a call for bids, not a grant
        if (
            word.lower() in ("partnership", "partnerships")
            and text.endswith("in ", max(sentence.start, match.start() - 3), match.start())
            and not text.startswith(" between ", match.end())
        ):
            continue  # "work in partnership with": a way of working, not a deal
        if not is_verb and _EVERY.search(text, max(sentence.start, match.start() - 40), match.start()):
            continue  # "the KPIs for every new outsourcing contract": contracts in general, none in particular
        if word.lower() in ("contracts", "grants", "agreements") and _IN_GENERAL.search(
            text, max(sentence.start, match.start() - 20), match.start()
        ):
            continue  # "the full lifecycle of public contracts", "all future grants": none in particular
        if (
            kind == "framework_agreement"
            and _ROUTE_BEFORE.search(text, max(sentence.start, match.start() - 50), match.start())
            and any(w.group().lower().startswith("contract") for w in words)
        ):
            continue  # "contracts awarded under the RM6295 framework": the framework is the route, not the deal
        if (
            _plural(word)
            and kind != "memorandum_of_understanding"  # "signed 17 MoUs" on the day: the signing is the news
            and _MANY.search(text, max(sentence.start, match.start() - 40), match.start())
        ):
            continue  # "plans to sign over 150 defence procurement contracts": a count, no agreement named
        if (
            word.lower() == "contract"
            and _CONTRACT_AS_VERB.search(text, max(sentence.start, match.start() - 20), match.start())
            and _WITH_AFTER.match(text, match.end(), sentence.end)
        ):
            continue  # "whether they contract directly with the MOD": the verb, not an agreement
        if _WHOEVER_WINS.search(text, max(sentence.start, match.start() - 40), match.start()):
            continue  # "Whoever wins the contract must send a liaison officer": a tender's terms, nobody's deal
        if _NEGATED.search(text, max(sentence.start, match.start() - 24), match.start()):
            continue  # "there was no contract to sign", "without a formal agreement"
        if word.lower() in lexicon.generic_nouns and _HEDGE.search(
            text, max(sentence.start, match.start() - 30), match.start()
        ):
            continue  # "potential for future collaboration", "closer partnership": talk, not a deal
        if word.lower() in ("framework", "frameworks") and not _PROCUREMENT.search(sentence.text):
            continue  # a framework of rules or for cooperation, not one suppliers are appointed to
        if best is None or rank < best[0]:
            best = (rank, kind, match)
    if best is None:
        return None, words[0], True
    if best[0] >= 2 * tier and _FRAMEWORK_PLACE.search(sentence.text):
        return "framework_agreement", best[2], False  # "a place on G-Cloud 14, CCS's agreement for ..."
    if best[0] >= 2 * tier and _SUPPLY.search(sentence.text):
        return (
            "contract",
            best[2],
            False,
        )  # "an agreement with Microsoft for the provision of a supercomputer"
    # Verbs ("collaborate", "invest") and general nouns do not name an agreement's kind for certain.
    return best[1], best[2], best[0] >= tier


# A determiner right before a status word makes it an adjective: "the agreed measures", "a signed copy".
_DETERMINER_BEFORE = re.compile(r"\b(?:the|an?|its|their|our)[ ]$", re.IGNORECASE)


def _status(text: str, matches: list[re.Match[str]], lexicon: Lexicon, has_money: bool = True) -> str | None:
    """Return the strongest status among a sentence's status words.

    The status pattern prefers the longest phrase, so "will sign" is one planned match, never "sign".
    """
    found = set()
    for match in matches:
        status = lexicon.statuses.get(match.group().lower())
        word = match.group().lower()
        if word == "signs" and _SIGNS_OF.match(text, match.end()):  # "flags signs of disease"
            continue
        if word in ("agreed", "agree", "agrees") and _THAT.match(text, match.end()):  # "agreed that ..."
            continue
        if word in ("agreed", "signed", "completed") and _DETERMINER_BEFORE.search(
            text, max(0, match.start() - 6), match.start()
        ):
            continue  # "against the agreed measures", "a signed copy": an adjective, not what happened
        if word in ("raised", "raises") and not has_money:  # "the points raised": money raised only
            continue
        if word in ("wins", "awards") and _WINS_AS_NOUN.search(
            text, max(0, match.start() - 12), match.start()
        ):
            continue  # "record contract wins through the ESA", "PNT contract awards": counted, none made here
        if (
            word.endswith("ed")
            and _PLURAL_DEAL_AFTER.match(text, match.end())
            and _PREPOSITION_BEFORE.search(text, max(0, match.start() - 6), match.start())
        ):
            continue  # "the effect of the crisis in cancelled contracts": such contracts in general
        if word.endswith("ing") and _AIM_OF.search(text, max(0, match.start() - 20), match.start()):
            found.add("planned")  # "with the aim of signing binding contracts in 2026"
            continue
        if word.endswith("ing") and _GERUND_AS_NOUN.search(text, max(0, match.start() - 12), match.start()):
            continue  # "within six months of signing an agreement": a condition, not what happened
        if word == "to buy" and not _NAME_BEFORE.search(text, max(0, match.start() - 40), match.start()):
            continue  # "Nokia to buy Infinera" plans a purchase; "easier for buyers to buy" does not
        if status is not None:
            found.add(status)
    return next((s for s in STATUS_PRECEDENCE if s in found), None)


def _parties(
    text: str, sentence: Sentence, mentions: list[Mention], anchor: re.Match[str], self_party: str, kind: str
) -> list[str]:
    """Collect parties standing in party positions of the sentence."""
    parties: list[str] = []
    by_start = {m.start: m for m in mentions}
    # Party lists sit near the agreement word: "signed a contract with X", "between X and Y".
    window_start = max(sentence.start, anchor.start() - PARTY_WINDOW_CHARS)
    window_end = min(sentence.end, anchor.end() + PARTY_WINDOW_CHARS)
    openers = list(_LIST_OPENERS.finditer(text, window_start, window_end))
    if kind in FUNDED_KINDS:
        # "a contract for the scheme administration of the new pension scheme with TCS": the noun's own
        # "for ..." phrase may carry its "with" or "to" far from it
        openers += [
            o for o in _LIST_OPENERS.finditer(text, window_end, sentence.end) if o[1] in ("with", "to")
        ]
    for opener in openers:
        word = opener[1].lower()
        tail = opener.start() > anchor.end() and _NOUN_TAIL.fullmatch(text, anchor.end(), opener.start())
        if opener.start() >= window_end and not tail:
            continue
        if word == "in" and (
            kind != "investment"
            or (
                opener.start() < anchor.start()
                and not _INVESTS_BEFORE.search(text, max(sentence.start, opener.start() - 40), opener.start())
            )
        ):
            continue  # "invest £1.3bn in Sizewell C, taking a 15% stake": the verb's "in" names the company
        if word == "in" and _PURPOSE.search(text, anchor.end(), opener.start()):
            continue  # "invests €2.5bn to strengthen the business climate in Brainport": where, not whom
        if word in ("by", "to", "from") and opener.start() < anchor.start() - 60:
            continue
        if word == "from" and opener.start() < anchor.start() and _comes_from(text, sentence, opener.end()):
            continue  # "Hydrogen industry bodies from Belgium, the Netherlands and Germany sign": where they are from
        recipient = _AWARDED_BEFORE.search(text, max(sentence.start, opener.start() - 20), opener.start())
        if word == "to" and recipient is None and not (tail and kind in FUNDED_KINDS):
            continue  # "a contract to BT", "awarded to BT"; not "drones to the British Army"
        if (
            word == "from"
            and opener.start() > anchor.end()
            and not _FROM_FUNDER.search(text, max(sentence.start, opener.start() - 20), opener.start())
            and not _BOUGHT_FROM.search(text, max(sentence.start, opener.start() - 40), opener.start())
        ):
            continue  # "£3.5m from the UK Space Agency"; not "to prepare for launches from SaxaVord"
        if word == "with" and opener.start() < anchor.start() - 40:
            continue
        # "invest in" takes organisations and names, never places ("invest £2bn in the UK").
        kinds = ("organisation", "name") if word == "in" else PARTY_KINDS_TUPLE
        position = opener.end()
        described = _DESCRIPTION.match(text, position, sentence.end)
        if described is not None and described.end() in by_start:
            position = described.end()  # "with US tech giant Palantir": the name after its description
        listed = _list_from(text, by_start, position, sentence.end, kinds)
        first = by_start.get(position)
        if (
            word == "between"
            and tail
            and first is not None
            and first.kind == "place"
            and not _JOINT_NOUN_BEFORE.search(text, max(sentence.start, opener.start() - 20), opener.start())
            and len(set(_subject(text, sentence, mentions, anchor))) >= 2
        ):
            # "BI and BOT announced a partnership on a cross-border QR payment linkage between Indonesia and
            # Thailand": the subject names the sides, the countries are the ends of what it is about
            continue
        if (
            word == "between"
            and len(set(listed)) >= 2
            and _NOUN_THEN_BETWEEN.fullmatch(text, anchor.end(), opener.start())
        ):
            # "Indonesia and the Netherlands signed a Letter of Intent (LoI) between the Dutch Ministry of
            # Education and BRIN": the agreement's own "between" names its parties, not the sentence's subject
            return list(dict.fromkeys(listed))
        parties += listed
    # "the contract for the North lot of the R100 programme has been finalised with BT": a verb of agreeing
    # and "with" name the counterpart however far the sentence has come from the noun
    for late in _AGREED_WITH.finditer(text, anchor.end(), sentence.end):
        parties += _list_from(text, by_start, late.end(), sentence.end, PARTY_KINDS_TUPLE)
    if kind in FUNDED_KINDS:
        for late in _AWARDED_TO.finditer(text, anchor.end(), sentence.end):
            parties += _list_from(text, by_start, late.end(), sentence.end, PARTY_KINDS_TUPLE)
    if anchor.group().lower() in OBJECT_PARTY_VERBS:  # "to acquire Oxford Ionics", "has selected HPE"
        after = _OBJECT_GAP.match(text, anchor.end(), sentence.end)
        position = after.end() if after is not None else anchor.end()
        described = _DESCRIPTION.match(text, position, sentence.end)
        if described is not None and described.end() in by_start:
            position = described.end()
        parties += _list_from(text, by_start, position, sentence.end, PARTY_KINDS_TUPLE)
    taken = (
        _TAKEN_OVER.match(text, anchor.end(), sentence.end) if anchor.group().lower() in _TAKEOVERS else None
    )
    if taken is not None:  # "completed the acquisition of Sheffield Forgemasters": the company bought
        parties += _list_from(text, by_start, taken.end(), sentence.end, ("organisation", "name"))
    given = _GIVEN_TO.search(text, max(sentence.start, anchor.start() - 80), anchor.start())
    if given is not None:  # "The NCSC has awarded the IASME Consortium a contract": the first object gets it
        parties += _list_from(text, by_start, given.end(), anchor.start(), PARTY_KINDS_TUPLE)
    parties += _subject(text, sentence, mentions, anchor)
    parties += _opening_subject(text, sentence, mentions, anchor)
    parties += _reporter_as_it(text, sentence, mentions, anchor)
    if kind in ("investment", "grant"):
        # "will invest £200 million ... to support CityFibre's roll-out": whose work the money pays for
        for purpose in _TO_SUPPORT.finditer(text, anchor.end(), sentence.end):
            owner = by_start.get(purpose.end())
            name = owner.party or owner.name if owner is not None else ""
            if (
                owner is not None
                and owner.kind in ("organisation", "name")
                and _owner(text, owner)
                and not any(p.startswith(f"{name} ") for p in parties)  # "Lyse AS ... Lyse's project"
            ):
                parties.append(name)
    if has_word(SELF_WORD, text, sentence.start, anchor.start()) or _OUR_AGREEMENT.search(
        text, max(sentence.start, anchor.start() - 30), anchor.start()
    ):
        parties.append(_quoted_speaker(text, sentence, mentions, anchor) or self_party)
    unnamed = _WITH_UNNAMED.match(text, anchor.end(), sentence.end)
    examples = _NAMED_EXAMPLES.match(text, unnamed.end(), sentence.end) if unnamed is not None else None
    if examples is not None:
        # "MoUs with a clutch of companies and institutions, among them Intel, Nvidia and Adobe"
        parties += _list_from(text, by_start, examples.end(), sentence.end, PARTY_KINDS_TUPLE)
    unique: list[str] = []
    for party in parties:
        if party not in unique:
            unique.append(party)
    return unique


_NOUN_THEN_BETWEEN = re.compile(r"(?:[ ]\([^()]{1,20}\))?[ ]")


def _owner(text: str, mention: Mention) -> bool:
    """Tell whether a mention is a possessive owner ("Elon Musk's", "the US Department of Commerce’s")."""
    return mention.kind in ("name", "person", "organisation") and (
        text.startswith(("’s", "'s"), mention.end) or text.endswith(("’s", "'s"), mention.start, mention.end)
    )


def _without_owners(text: str, chosen: list[Mention]) -> list[Mention]:
    """Drop owners that describe the next body in a list: "the US Department of Commerce’s NIST" is NIST."""
    return [
        mention
        for mention, after in zip(chosen, [*chosen[1:], None], strict=True)
        if not (
            after is not None
            and after.start > mention.start
            and after.kind in ("organisation", "name")
            and (
                (
                    _owner(text, mention)
                    and (gap := _MODIFIER_GAP.match(text, mention.end)) is not None
                    and gap.end() == after.start
                )
                # "NASA Johnson Space Center": a body's own unit named right after it
                or (
                    mention.kind == "organisation"
                    and after.kind == "organisation"
                    and text[mention.end : after.start] in (" ", "\u00a0")
                )
            )
        )
    ]


def _list_from(
    text: str, by_start: dict[int, Mention], position: int, limit: int, kinds: tuple[str, ...]
) -> list[str]:
    """Read a list of party mentions starting at `position` ("Google, Nvidia and the UK government")."""
    parties: list[str] = []
    people = [m for m in by_start.values() if m.kind == "person" and m.title]
    while position < limit:
        described = _DESCRIPTION.match(text, position, limit) or _MEMBERS_OF.match(text, position, limit)
        if described is not None and described.end() in by_start:
            position = described.end()  # "with Serbia and US company Amazon"
        mention = by_start.get(position) or _titled_person_at(text, people, position)
        if mention is None and text.startswith(("the ", "The "), position - 4):
            # a name that keeps its article: "with the government of Serbia"
            mention = by_start.get(position - 4)
        if mention is None and (role := _ROLE_OF.match(text, position, limit)) is not None:
            mention = by_start.get(role.end())  # "the Chief Executive of the UK Space Agency"
        if mention is not None and mention.kind == "place":
            # "the UK Ministry of Defence", "South Korea's Hyundai Rotem": the country describes the body
            after = _MODIFIER_GAP.match(text, mention.end, limit)
            body = by_start.get(after.end()) if after is not None else None
            possessive = text.startswith(("’s", "'s"), mention.end)
            if possessive and body is None and _DESCRIBED_BY_COUNTRY.match(text, mention.end):
                break  # "Digital Catapult, the UK’s national centre for ...": the item before, described
            if mention.party is None or (
                possessive and body is not None and body.kind in ("organisation", "name")
            ):
                mention = body
        elif mention is not None and _owner(text, mention):
            # "Elon Musk's SpaceX", "Alphabet's Google": the owner describes the body that follows
            after = _MODIFIER_GAP.match(text, mention.end, limit)
            body = by_start.get(after.end()) if after is not None else None
            if body is not None and body.kind in ("organisation", "name"):
                mention = body
        if mention is None or mention.party is None or mention.kind not in kinds:
            break
        parties.append(mention.party)
        gap = _LIST_GAP.match(text, mention.end, limit)
        if gap is None or gap.end() == mention.end:
            break
        position = gap.end()
    return parties


# Mentions in these positions are settings, not parties: "in London", "at the Embassy", "said".
_NOT_PARTY_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|across|throughout|through|via|from|outside|inside|around"
    r"|(?:travell?ed|travell?ing|visited|visiting|trip)(?:[ \t]+to)?)|[‘“\"])[ \t]+(?:the[ \t]+)?"
    r"(?:(?:north|south|east|west|central|northern|southern|eastern|western|rural|coastal|remote)[ \t]+)?$"
)  # "in northern Sri Lanka": a region of the country


def _named_with(text: str, mentions: Sequence[Mention], anchor: re.Match[str]) -> list[str]:
    """The countries joined in the agreement's name right before its noun ("the Japan-UK Digital Partnership")."""
    found = []
    for mention in mentions:
        if mention.role == "country pair" and 0 <= anchor.start() - mention.end <= 60:
            between = text[mention.end : anchor.start()]
            if all(word[:1].isupper() or word in ("and", "of", "on", "for", "&") for word in between.split()):
                found.append(mention.party or mention.name)
    return found


# The end of a sentence that says who announced what it reports: "..., the Minister announced today."
_ANNOUNCED_BY = re.compile(
    r"(?:[ ][A-Z][\w’'.-]*){0,4}[ ](?:announced|said|says|confirmed|revealed)"
    r"(?:[ ](?:today|yesterday|on[ ][A-Z][a-z]+))?[.!]?[ ]*$"
)
# A body that reports, finds or warns that something happened: the reporter of the clause, no party to it.
_REPORTS_THAT = re.compile(
    r"(?:[ ][^,.;]{0,20})?[ ](?:reported|reports|found|finds|warned|warns|noted|notes|said|says|concluded|"
    r"concludes|revealed|reveals|criticised|criticized)(?:[ ][^,.;]{0,25}?)?[ ]that[ ]"
    r"(?!(?:it|they|we|its|their)[ ])"
)


def _sentence_parties(
    text: str,
    sentence: Sentence,
    mentions: Sequence[Mention],
    structural: list[str],
    self_party: str,
    kind: str,
) -> list[str]:
    """When the sentence's structure names too few parties, take every party-like mention in it.

    Real announcements put the parties anywhere ("Anthropic ... has agreed to work with the UK
    government ..., under a Memorandum of Understanding signed today by the Technology Secretary"), so a
    sentence with an agreement word and a status word that the structural reading could not settle is
    read as a whole: organisations, governments, countries, the publisher and people's organisations,
    but not places of events ("in London", "at the Embassy"), quoted speech, or bare capitalised
    names other than the sentence's opening subject.
    """
    found = list(structural)
    quotes = _quoted_spans(text, sentence)
    for mention in mentions:
        if mention.party is None or mention.kind not in PARTY_KINDS:
            continue
        if mention.kind == "place" and not mention.country:
            continue
        if mention.kind == "place" and (
            _DESCRIBED_BY_COUNTRY.match(text, mention.end) or _COUNTRY_DESCRIBES.match(text, mention.end)
        ):
            # "one of the UK’s leading research universities", "the US company Illumina": a description
            continue
        if mention.kind == "place" and _comes_from(text, sentence, mention.start):
            continue  # "industry bodies from Belgium, the Netherlands and Germany": where they come from
        if (
            mention.kind == "name"
            and mention.start != _first_word(text, sentence)
            and kind not in FUNDED_KINDS
            and not _CHOSEN_BEFORE.search(text, max(sentence.start, mention.start - 20), mention.start)
        ):
            continue  # a stray capital; but suppliers and recipients are often names nothing else knows
        if any(start <= mention.start < end for start, end in quotes):
            continue
        if _NOT_PARTY_BEFORE.search(text, max(sentence.start, mention.start - 22), mention.start):
            continue
        if _REPORTS_THAT.match(text, mention.end, sentence.end):
            continue  # "The National Audit Office reported in July that the contract had been renewed"
        if (
            _ANNOUNCED_BY.match(text, mention.end, sentence.end)
            and _first_word(text, sentence) < mention.start
        ):
            continue  # "..., Science and Innovation Minister Steven Joyce announced today.": who told of it
        if mention.party not in found:
            found.append(mention.party)
    if kind in FUNDED_KINDS:
        return found
    return found if len(set(found)) >= 2 else structural


def _first_word(text: str, sentence: Sentence) -> int:
    position = sentence.start
    while position < sentence.end and not text[position].isalnum():
        position += 1
    return position


MAX_SCARE_QUOTE_CHARS = 40  # longer quotations are speech, which may well report an agreement


def _in_scare_quotes(text: str, sentence: Sentence, position: int) -> bool:
    """Tell whether a word stands in short quotation marks: a “social contract” is a figure of speech."""
    return any(
        start < position < end and end - start <= MAX_SCARE_QUOTE_CHARS
        for start, end in _quoted_spans(text, sentence)
    )


def _quoted_speaker(
    text: str, sentence: Sentence, mentions: Sequence[Mention], anchor: re.Match[str]
) -> str | None:
    """Whose "we" a quotation holding the agreement word is: the body of the person it is attributed to.

    "'We are pleased to partner with Chongqing,' said Globalfoundries CEO Sanjay Jha" is Globalfoundries'
    word, whoever publishes it; "'Our partnership ...,' said the vice-chancellor" names no body, so it is
    the publisher's own officer speaking.
    """
    quote = next((span for span in _quoted_spans(text, sentence) if span[0] < anchor.start() < span[1]), None)
    if quote is None:
        return None
    return next(
        (
            m.party
            for m in mentions
            if m.kind in ("organisation", "name", "government")
            and m.party
            and quote[1] <= m.start < sentence.end
            and _OFFICER_AFTER.match(text, m.end)
        ),
        None,
    )


# A body's officer named right after it: "Globalfoundries CEO", "the ministry's spokesperson".
_OFFICER_AFTER = re.compile(
    r"(?:’s|'s)?[ ](?:CEO|Chief|President|Chair|Managing|Director|Minister|Secretary|[Ss]pokes|Vice|Head|Founder)"
)


def _quoted_spans(text: str, sentence: Sentence) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text, sentence.start, sentence.end)]


_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


def _titled_person_at(text: str, people: list[Mention], position: int) -> Mention | None:
    """A person whose title starts at `position` ("Technology Secretary Peter Kyle" read from "Technology")."""
    for person in people:
        title = person.title or ""
        if 0 < person.start - position <= len(title) + 2 and text.startswith(title, position):
            return person
    return None


def _role_between(text: str, left: Mention, right: Mention) -> bool:
    """Tell whether only the right person's title stands between two mentions ("OpenAI CEO Sam Altman")."""
    if right.kind != "person" or not right.title:
        return False
    return text[left.end : right.start].strip(" \t,") == right.title


def _in_brackets(text: str, sentence: Sentence, position: int) -> bool:
    opening = text.rfind("(", sentence.start, position)
    return opening != -1 and text.find(")", opening, position) == -1


def _subject(text: str, sentence: Sentence, mentions: list[Mention], anchor: re.Match[str]) -> list[str]:
    """Read the subject list just before the first verb or the agreement word."""
    # An aside in brackets ("IBM (NYSE: IBM)", "Council (STFC)") repeats a name; the list is outside it.
    offices = [role.span() for role in _ROLE_OF.finditer(text, sentence.start, anchor.start())]
    aside = _relative_aside(text, sentence.start, anchor.start())
    before = [
        m
        for m in mentions
        if m.end <= anchor.start()
        and not _in_brackets(text, sentence, m.start)
        and not any(start <= m.start and m.end <= end for start, end in offices)  # "Chair of the Board of"
        and not (aside is not None and aside.start() < m.start < aside.end())
    ]
    if not before:
        return []
    last = before[-1]
    resume = _after_aside(text, last.end, aside)
    if last.kind == "place" and _UNNAMED_AFTER_PLACE.match(text, last.end, anchor.start()):
        return []  # "UK firms won ESA contracts": the country describes the winners, nobody is named
    if _REPRESENTED_BY.search(text, max(sentence.start, last.start - 20), last.start):
        return []  # "The Government of Estonia, represented by the Ministry of ..., has signed": the subject
    limit = anchor.start()
    unnamed = _AND_UNNAMED_PARTNERS.match(text, resume, limit)
    if unnamed is not None:  # "Tegas and its strategic partners exchanged": the others, named later if at all
        resume = unnamed.end()
    verb = _SUBJECT_VERB.search(text, resume, limit)
    gap_end = verb.start() if verb else limit
    gap = _SUBJECT_GAP.match(text, resume, gap_end)
    possessive = _POSSESSIVE.match(text, last.end, limit) is not None and limit - last.end <= 40
    if (gap is None or gap.end() != gap_end) and not possessive:
        return []
    chosen = [last]
    if _names_again(text, before[-2:]):
        # "Europol, the European Union Agency for Law Enforcement Cooperation, signed": one body, twice named
        chosen, before = [before[-2]], before[:-1]
    edge = chosen[-1].start  # where the list read so far begins
    for mention in reversed(before[:-1]):
        # "the government of Serbia and US company Amazon": the link ends where the description starts, and
        # a name inside the description ("US") is no list member
        described = _DESCRIBED_BEFORE.search(text, max(sentence.start, edge - 60), edge)
        head = described.start() if described is not None else edge
        if mention.start >= head:
            continue
        if (
            mention.kind in ("organisation", "name")
            and mention.end + 3 == head
            and text.startswith(("’s ", "'s "), mention.end)
        ):
            # "X and NASA's Johnson Space Center": the owner opens the item, and the list goes on before it
            edge = mention.start
            continue
        link = _LIST_GAP.fullmatch(text, mention.end, head)
        if link is None and mention.kind != "person":  # a body, then the next signatory's office
            link = _ROLE_LINK.fullmatch(text, mention.end, head)
        if link is None and not _role_between(text, mention, chosen[-1]):
            break
        if (
            text.startswith(",", mention.end)
            and _PHRASE_BEFORE_SUBJECT.search(text, max(sentence.start, mention.start - 12), mention.start)
            and not (
                all(m.kind == "place" for m in (*chosen, mention))
                and _comes_from(text, sentence, mention.start)
            )
        ):
            # "In a step towards deeper engagement with India, the University of Leeds has signed": the name
            # ends a phrase before the subject (unless all are where the subject comes from, below)
            break
        chosen.append(mention)
        edge = mention.start
    if all(m.kind == "place" for m in chosen) and _comes_from(text, sentence, chosen[-1].start):
        return []  # "Hydrogen industry bodies from Belgium, the Netherlands and Germany sign": where they are from
    return [m.party for m in _without_owners(text, chosen[::-1]) if m.party is not None]


# A preposition before a name: the name ends a phrase before the subject, not an item of its list.
_PHRASE_BEFORE_SUBJECT = re.compile(r"\b(?:with|in|to|for|from|towards|across|into|on|at)[ ](?:the[ ])?$")
# Those a subject describes by where they come from: "industry bodies from", "companies from the", and the
# countries already listed after it ("bodies from Belgium, the Netherlands and ").
_FROM_LIST_BEFORE = re.compile(
    r"\b[A-Za-z][a-z]{2,}s[ ]from[ ](?:the[ ])?(?:[A-Z][\w.’'-]*(?:[ ][A-Z][\w.’'-]*)*(?:,[ ]|,?[ ]and[ ])(?:the[ ])?)*$"
)


def _comes_from(text: str, sentence: Sentence, position: int) -> bool:
    """Tell whether a name at `position` is in a list of where those the subject names come from."""
    return _FROM_LIST_BEFORE.search(text, max(sentence.start, position - 100), position) is not None


# Partners a subject brings along without naming them: "Tegas and its strategic partners exchanged ...".
_AND_UNNAMED_PARTNERS = re.compile(
    r"\s*(?:\([^()]{1,40}\)\s*)?,?[ ]and[ ](?:its|their)[ ](?:[a-z]+[ ]){0,2}"
    r"(?:partners|members|counterparts|collaborators)\b"
)


# "Somerset NHS Foundation Trust, which runs Musgrove Park Hospital in Taunton, has entered into": a
# relative clause between the subject and its verb, closed by the last comma before the agreement word; the
# names inside it are no subject. (Search it with the agreement word's start as the end.)
_RELATIVE_ASIDE = re.compile(
    r",[ ](?:(?:which|who|whose)\b|(?:the|a|an|its|their)[ ](?=[a-z])"
    r"|[A-Z][\w.-]*(?:[ ][A-Z][\w.-]*)?(?:’s|'s)[ ](?=[a-z]))"
    r"[^;:()]{1,160}?,(?=[^,]{0,60}$)"
)


def _relative_aside(text: str, start: int, limit: int) -> re.Match[str] | None:
    """The relative clause before `limit` that a verb of the subject follows (", which ..., has signed")."""
    aside = _RELATIVE_ASIDE.search(text, start, limit)
    if aside is None or ", and " in aside.group():
        return None  # (", the R&D centre of the Department, and C-DAC, ...": a list of described names)
    verb = _SUBJECT_VERB.search(text, aside.end(), limit)
    gap_end = verb.start() if verb is not None else limit  # (the agreement word may be the verb: "teamed up")
    gap = _SUBJECT_GAP.match(text, aside.end(), gap_end)
    return aside if gap is not None and gap.end() == gap_end else None


def _after_aside(text: str, position: int, aside: re.Match[str] | None) -> int:
    """Where the subject's verb phrase may start: after the relative clause that follows the name ending at
    `position` (across a bracketed acronym), else right after the name."""
    if (
        aside is not None
        and aside.start() >= position
        and _SUBJECT_GAP.fullmatch(text, position, aside.start())
    ):
        return aside.end()
    return position


_APPOSITION = re.compile(r",[ ]the[ ]")
_CHOSEN_TOGETHER = re.compile(
    r"\b(?:have|were)[ ]been[ ](?:selected|chosen|appointed|picked)$|\bwere[ ](?:selected|chosen|appointed|picked)$"
)


def _names_again(text: str, pair: Sequence[Mention]) -> bool:
    """Tell whether the second of two bodies is the first named again, between commas ("X, the Y, signed")."""
    return (
        len(pair) == 2
        and all(m.kind in ("organisation", "name") for m in pair)
        and _APPOSITION.fullmatch(text, pair[0].end, pair[1].start) is not None
        and text.startswith(",", pair[1].end)
    )


_REPRESENTED_BY = re.compile(r"\b(?:represented|acting)[ ]by[ ](?:the[ ])?$")
_SENTENCE_OPENER = re.compile(
    r"[\s“\"‘'(–-]*(?:(?:Today|Now|Yesterday|Earlier|Meanwhile|In addition|Separately|More recently|Last year|Later|Previously|In \d{4}),?[ ]+)?(?:[Tt]he[ ]+)?"
)
_OPENER_CHARS = 30  # the longest opening ("“Today, the ") before a sentence's first name
_REPORTED = re.compile(r"\b(?:that|as)\b")


def _opening_subject(
    text: str, sentence: Sentence, mentions: list[Mention], anchor: re.Match[str]
) -> list[str]:
    """Read the list that opens the sentence when a verb follows it before the agreement word.

    "Acme Ltd has won a place on the Home Office’s framework": the nearest name before the agreement
    word owns it; the winner is the sentence's subject.
    """
    if not mentions:
        return []
    dateline = _DATELINE.match(text, _first_word(text, sentence), anchor.start())
    begin = dateline.end() if dateline is not None else sentence.start  # "ANKARA, Oct 27 (Reuters) - Turkey"
    opener = _SENTENCE_OPENER.match(text, begin, anchor.start())
    start = opener.end() if opener is not None else begin
    role = _ROLE_OF.match(text, start, anchor.start())
    if mentions[0].start - begin > _OPENER_CHARS and role is None:
        return []  # no name opens the sentence
    by_start = {m.start: m for m in mentions}
    if start not in by_start and text.startswith(("the ", "The "), start - 4):
        start -= 4  # a name that keeps its article: "The Government of Estonia"
    chosen: list[Mention] = []
    position = role.end() if role is not None and start not in by_start else start
    while (mention := by_start.get(position)) is not None and mention.end <= anchor.start():
        chosen.append(mention)
        link = _LIST_GAP.match(text, mention.end, anchor.start())
        if link is None or link.end() == mention.end:
            break
        position = link.end()
        if position not in by_start and (role := _ROLE_OF.match(text, position, anchor.start())) is not None:
            position = role.end()  # "... and the Chair of the German Aerospace Center"
        described = _DESCRIPTION.match(text, position, anchor.start())
        if described is not None and described.end() in by_start:
            position = described.end()  # "... and US company Amazon"
    if not chosen:
        return []
    if _names_again(text, chosen[-2:]):
        chosen.pop()  # "Europol, the European Union Agency for Law Enforcement Cooperation, signed"
    resume = _after_aside(text, chosen[-1].end, _relative_aside(text, chosen[-1].end, anchor.start()))
    verb = _SUBJECT_VERB.search(text, resume, anchor.start() + 1)
    if verb is None or _REPORTED.search(text, verb.end(), anchor.start()):
        return []  # "The Administration announced that Intel and ... signed": the reporter is no party
    gap = _SUBJECT_GAP.match(text, resume, verb.start())
    if (gap is None or gap.end() != verb.start()) and not (
        _FIRST_PREDICATE.fullmatch(text, chosen[-1].end, verb.start())
        and not any(
            chosen[-1].end <= m.start < verb.start() and m.kind in ("organisation", "name", "person")
            for m in mentions
        )
    ):
        return []
    return [m.party for m in _without_owners(text, chosen) if m.party is not None]


# "The African Space Agency opens its permanent headquarters in Egypt and signs ...": a first predicate of
# the same subject, naming no other body, before the verb of the agreement.
_FIRST_PREDICATE = re.compile(
    r"[ ](?:(?:has|have)[ ])?[a-z]+(?:s|ed)\b[^,;:()]{0,80}?[ ]and[ ](?:(?:also|then|has|have)[ ])*"
)


# "Rapidus said on Tuesday it had signed a partnership with IBM": "it" is whoever said so.
_SAID_IT = re.compile(
    r"\b(?:said|says|announced|announces|confirmed|confirms|revealed|reveals)"
    r"(?:[ ]+(?:on|last|this)[ ]+[A-Z]?[a-z]+)?(?:[ ]+(?:today|yesterday))?(?:[ ]+that)?[ ]+(?:it|they)[ ]"
)


def _reporter_as_it(
    text: str, sentence: Sentence, mentions: list[Mention], anchor: re.Match[str]
) -> list[str]:
    """The subject of "X said it has signed ...", read through the pronoun."""
    said = _SAID_IT.search(text, sentence.start, anchor.start())
    if said is None:
        return []
    before = [
        m
        for m in mentions
        if m.end <= said.start()
        and m.kind in ("organisation", "name", "self", "government")
        and not _in_brackets(text, sentence, m.start)  # "Centrica plc (“Centrica”) confirms that it ..."
    ]
    if not before:
        return []
    gap = _SUBJECT_GAP.match(text, before[-1].end, said.start())
    if gap is None or gap.end() != said.start() or before[-1].party is None:
        return []
    return [before[-1].party]


def _may_create(kind: str, parties: list[str], self_party: str) -> bool:
    """Tell whether a mention's parties are enough for a new agreement.

    An agreement needs a party besides the publisher: "a new partnership between government and
    industry" names only the government. An agency's own framework or contract is the exception
    ("Crown Commercial Service has launched a framework agreement"), a government's is not; nor is a
    fund's call for grant applications.
    """
    if any(party != self_party for party in parties):
        return True
    if kind == "investment":
        return bool(parties) and not is_public(self_party)  # "we will invest £2.5 billion" from a company
    return kind in ("contract", "framework_agreement") and not self_party.endswith("Government")


_PUBLIC_BODY = re.compile(
    r"^HM[ ]|\b(?:Government|Executive|Council|Ministry|Department|Office|Authority|Agency|Commission|NHS|Fund|Bank|"
    r"Administration|Directorate|"
    r"Research and Innovation|Innovate UK|"
    r"Customs Union|Community|Cooperation Council|Mercosur)\b"  # blocs of governments
)


def is_public(party: str) -> bool:
    """Tell whether a party is a government or public body, whose spending alone is not an investment deal.

    >>> is_public("UK Government"), is_public("Homes England Agency"), is_public("Microsoft"), is_public("SoftBank")
    (True, True, False, False)
    """
    return _PUBLIC_BODY.search(party) is not None


def _matching(
    agreements: list[_Agreement], kind: str, generic: bool, parties: list[str], *, own_sum: bool = False
) -> _Agreement | None:
    """Return the agreement this mention is about: same kind group and a shared party.

    Two specific words of different kinds name two agreements ("a treaty ... and a memorandum of
    understanding"); a general word ("the partnership") may name any of them.
    """
    cores = {_party_core(p) for p in parties}
    for agreement in reversed(agreements):
        theirs = {_party_core(p) for p in agreement.parties}
        if KIND_GROUPS.get(agreement.kind) != KIND_GROUPS.get(kind) or not cores & theirs:
            continue
        if own_sum and _other_supplier(kind, cores, theirs):
            continue
        instrument = (
            "memorandum_of_understanding" in {kind, agreement.kind}
            and {kind, agreement.kind} <= _INSTRUMENT_OF
        )
        if generic or agreement.generic or agreement.kind == kind or instrument:
            return agreement
    return None


def _other_supplier(kind: str, cores: set[str], theirs: set[str]) -> bool:
    """Tell whether a contract or grant, stated with its own sum, shares only its buyer with an earlier one.

    "General Dynamics Land Systems was awarded a $428m contract ... Sierra Nevada Corp. was awarded a $319m
    contract": one buyer, two suppliers, two contracts. (Two names for the buyer, "BDUK" and "UK
    Government", are one contract's.)
    """
    if kind not in FUNDED_KINDS or len(cores) < 2 or len(theirs) < 2:
        return False
    new, old = cores - theirs, theirs - cores
    return bool(new and old) and not any(is_public(p) for p in (*new, *old))


@functools.lru_cache(maxsize=1024)
def _party_core(party: str) -> str:
    """A company's name without its legal form or lab, for telling two mentions are one party.

    >>> _party_core("Kaspersky Lab"), _party_core("Aurrigo International plc"), _party_core("Kaspersky")
    ('Kaspersky', 'Aurrigo', 'Kaspersky')
    >>> _party_core("The University of Nottingham")
    'University of Nottingham'
    """
    name = party[4:] if party.startswith("The ") else party  # "The University of Nottingham"
    return _LAB.sub("", _LEGAL_SUFFIX.sub("", name))


_LAB = re.compile(r"[ ]Labs?$")


# A memorandum is often the instrument of a partnership: "have signed a strategic partnership ... the
# Memorandum of Understanding sets out intent" reports one agreement.
_INSTRUMENT_OF = frozenset({"memorandum_of_understanding", "strategic_partnership", "collaboration"})


def _latest(agreements: list[_Agreement], kind: str) -> _Agreement | None:
    """Return the last agreement a party-less mention can refer to."""
    for agreement in reversed(agreements):
        if KIND_GROUPS.get(agreement.kind) == KIND_GROUPS.get(kind):
            return agreement
    return None


def _merge(
    target: _Agreement, kind: str, generic: bool, parties: list[str], lexicon: Lexicon, signing: bool = False
) -> None:
    """Add a mention's kind and parties to an agreement.

    A specific word ("treaty", "contract") beats a general one ("partnership") whatever their order;
    between words of the same sort the higher-priority kind wins. Once an agreement has two parties,
    later mentions add none: an announcement names the sides where it first reports the deal, and the
    sentences that come back to it ("the partnership will help ...", a minister's quote) bring in
    bystanders, not signatories. The exception is a sentence saying who signed it that names every side
    found so far and more ("signed by representatives of the UK Government, the Scottish Government, the
    City of Edinburgh Council, ...").
    """
    priority = lexicon.kind_priority
    higher = (
        kind in priority and target.kind in priority and priority.index(kind) < priority.index(target.kind)
    )
    if not target.parties or (target.generic and not generic) or (higher and generic == target.generic):
        target.kind = kind
        target.generic = target.generic and generic
    if len(target.parties) >= 2 and not (signing and set(target.parties) < set(parties)):
        return
    for party in parties:
        if party not in target.parties:
            target.parties.append(party)


def _add_signatories(target: _Agreement, mentions: list[Mention]) -> None:
    for mention in mentions:
        if mention.kind == "person" and all(s.name != mention.name for s in target.signatories):
            target.signatories.append(Signatory(name=mention.name, role=mention.title, party=mention.party))


def _date(sentence: str) -> str | None:
    """Return the first "12 March 2025"-style date of a sentence as ISO 8601.

    >>> _date("It was signed on 3rd March 2025 in London.")
    '2025-03-03'
    """
    match = _DATE.search(sentence)
    if match is None:
        return None
    day, month, year = int(match[1]), _MONTH_NUMBERS[match[2].lower()[:3]], int(match[3])
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= day <= 31 else None


_INITIALS_TAIL = re.compile(r"[ ]\((?=[^()]*[A-Z][^()a-z]*[A-Z])[A-Z][A-Za-z&.-]{1,9}\)$")


_COUNTRY_PREFIX = re.compile(r"(?:the )?(?:U\.?S\.?|U\.?K\.?|[A-Z][a-z]+(?:an|ish|ese|ian|ch))")
_LEGAL_SUFFIX = re.compile(
    r"(?:[ ](?:International|Group|Holdings))?(?:,?[ ](?:Ltd|Limited|plc|PLC|LLP|Inc|Corp|Corporation|S\.A|S\.p\.A|SpA|N\.V|B\.V)\.?)+$"
)
_MISSION = re.compile(
    r"^(?:the )?(?:British|UK) (?:Embassy|High Commission|Consulate|Consulate-General|Mission|Deputy High Commission)\b"
)
_SIGNS_FOR_ITSELF = re.compile(
    r"\b(?:University|College)\b"
    r"|^(?:City of |Royal Borough of )?(?!(?:[A-Z][a-z]+[ ])*(?:Trade|Technology|Research|Security|Cooperation|"
    r"Advisory|European|Science|Economic)[ ])(?:[A-Z][a-z]+[ ](?:and[ ])?){1,4}(?:City[ ]|County[ ]|Borough[ ]|District[ ])?"
    r"Council$"
)
_GOVERNMENT_UNIT = re.compile(r"^(?:the )?(?:Ministry|Department|Minister|Federal Ministry|Office of the)\b")
# The UK's devolved governments beside the UK Government make a domestic agreement, not one between
# nations: the public bodies named with them ("Skills Development Scotland") are parties of their own.
_DEVOLVED_GOVERNMENTS = frozenset({"Scottish Government", "Welsh Government", "Northern Ireland Executive"})
NATIONAL_GOVERNMENT = re.compile(r"(?:^(?:[A-Z][\w-]*[ ]){1,3}Government$|^Government of |^European Union$)")


@functools.lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    # Babel's English territory names, the ISO 3166 list kept up to date upstream, and common short forms.
    names = {name for code, name in Locale("en").territories.items() if len(code) == 2}
    return frozenset(names | {"UK", "US", "USA", "UAE"})


_AGREEMENT_NAME = re.compile(r"[ ](?:Framework|Agreement|Contract|Memorandum)$")


def _initials(name: str) -> str:
    """The initials of a name's words, its small linking words left out ("Abu Dhabi Digital Authority": ADDA)."""
    return "".join(word[0] for word in name.split() if word not in ("of", "the", "and", "for", "&"))


def _same_with_place(short: str, full: str) -> bool:
    """Tell whether `short` is `full` by its initials and its place: "IIT Roorkee" for "Indian Institute
    of Technology, Roorkee" (or "... Technology Roorkee")."""
    initials, _, place = short.partition(" ")
    if not (place and initials.isupper() and full.endswith(place)) or is_common_word(place, NAME_WORD_ZIPF):
        return False  # ("UT System" is the university's system, "System" no place)
    body = full[: -len(place)].rstrip(", ")
    return bool(body) and _initials(body) == initials


def consolidate_parties(parties: Sequence[str], kind: str) -> list[str]:
    """Tidy a party list: one name per party, governments for their missions, no news agencies.

    A UK embassy or High Commission acts for the UK Government. When two or more national governments
    are parties to an agreement between governments (not a contract, grant or investment), their
    ministries and agencies named beside them act for them and are not parties of their own.

    >>> consolidate_parties(["UK Government", "British Embassy Tokyo", "Japanese Government"], "other")
    ['UK Government', 'Japanese Government']
    >>> consolidate_parties(["The University of Manchester", "Reuters", "NNL"], "collaboration")
    ['University of Manchester', 'NNL']
    >>> consolidate_parties(["U.S. National Science Foundation", "National Science Foundation", "Acme"], "grant")
    ['National Science Foundation', 'Acme']
    >>> consolidate_parties(["Microsoft", "Microsoft Estonia", "Estonian Government"], "memorandum_of_understanding")
    ['Microsoft', 'Estonian Government']
    >>> consolidate_parties(["Aurrigo", "Aurrigo International plc", "Changi Airport Group"], "collaboration")
    ['Aurrigo', 'Changi Airport Group']
    >>> consolidate_parties(["German Aerospace Center (DLR)", "German Aerospace Center", "Acme (Singapore)"], "contract")
    ['German Aerospace Center', 'Acme (Singapore)']
    >>> consolidate_parties(["Abu Dhabi Digital Authority", "ADDA", "Abu Dhabi School of Government", "ADSG"], "other")
    ['Abu Dhabi Digital Authority', 'Abu Dhabi School of Government']
    >>> consolidate_parties(["Indian Institute of Technology, Roorkee", "IIT Roorkee", "UT System"], "other")
    ['Indian Institute of Technology, Roorkee', 'UT System']
    >>> consolidate_parties(["NHS", "NHS England", "Harbour Data Ltd"], "contract")
    ['NHS England', 'Harbour Data Ltd']
    >>> consolidate_parties(["Combined Authority", "West of England Combined Authority", "Acme"], "grant")
    ['West of England Combined Authority', 'Acme']
    """
    tidy: list[str] = []
    for party in parties:
        name = party[4:] if party.startswith("The ") else party
        if _AGREEMENT_NAME.search(name):
            continue  # "a call-off from the MCF3 Framework": the agreement's own name, no party
        name = _INITIALS_TAIL.sub("", name)  # "German Aerospace Center (DLR)" is the German Aerospace Center
        if _MISSION.match(name):
            name = "UK Government"
        if is_press(name):
            continue
        if _LEGAL_SUFFIX.sub("", name) in {_LEGAL_SUFFIX.sub("", t) for t in tidy}:
            continue  # "Microsoft" and "Microsoft Corp" are one party
        tidy.append(name)
    # "U.S. National Science Foundation" and "National Science Foundation" are one party.
    tidy = [
        p
        for p in tidy
        if not any(
            q != p and p.endswith(" " + q) and _COUNTRY_PREFIX.fullmatch(p[: -len(q) - 1]) for q in tidy
        )
    ]
    # "Combined Authority" beside "West of England Combined Authority": the body called by its kind alone.
    tidy = [
        p
        for p in tidy
        if not (
            all(word in _KIND_OF_BODY for word in p.split())
            and any(q != p and q.endswith(" " + p) for q in tidy)
        )
    ]
    # "Abu Dhabi Digital Authority" and "ADDA": a name and its initials are one party.
    tidy = [p for p in tidy if not (p.isupper() and any(q != p and _initials(q) == p for q in tidy))]
    # "the NHS" beside a named NHS body ("NHS England", "... NHS Trust") is that body, said in general.
    tidy = [p for p in tidy if not (p == "NHS" and any(q != p and "NHS" in q.split() for q in tidy))]
    # "Indian Institute of Technology, Roorkee" and "IIT Roorkee": initials with the place are one party too.
    tidy = [p for p in tidy if not any(q != p and _same_with_place(p, q) for q in tidy)]
    # "Microsoft" and "Microsoft Estonia": the company and its arm in a country are one party.
    tidy = [
        p
        for p in tidy
        if not any(p.startswith(q + " ") and p[len(q) + 1 :] in _country_names() for q in tidy)
    ]
    governments = [p for p in tidy if NATIONAL_GOVERNMENT.match(p)]
    sovereign = [p for p in governments if p not in _DEVOLVED_GOVERNMENTS]
    if len(sovereign) >= 2 and kind not in FUNDED_KINDS and kind != "investment":
        # Councils and universities signing beside governments (a city deal) sign for themselves.
        return [p for p in tidy if p in governments or _SIGNS_FOR_ITSELF.search(p)]
    if governments:
        return [p for p in tidy if p in governments or not _GOVERNMENT_UNIT.match(p)]
    return tidy


# Words that say what kind of body a name is, and alone name none in particular.
_KIND_OF_BODY = word_set(
    "Combined Authority Council County Borough City District Agency Department Ministry University College "
    "Trust Board Commission Bank Fund Foundation Institute Office Service Executive Government"
)
# Kinds a headline may sharpen: the body's "partnership" is the headline's "strategic partnership".
_VAGUE_KINDS = frozenset({"collaboration", "other"})


def merge_headline(
    body: Sequence[Partnership], headline: Sequence[Partnership], short_names: Mapping[str, str] | None = None
) -> tuple[Partnership, ...]:
    """Add what the title and summary report to the body's agreements.

    A headline agreement that shares a party with a body agreement of its kind group, or a vague one
    ("a new agreement with Openreach") whose parties a body agreement has, is that agreement: it only
    sharpens a vague kind ("collaboration" → "strategic_partnership"). Any other headline
    agreement is one the body does not report, and is added with the headline as its evidence.
    `short_names` are the names the body gives its parties' initials ("SANSA" → "South African National
    Space Agency"): a headline written with initials names the body's parties.
    """
    merged = list(body)
    for found in headline:
        if not found.parties:
            continue  # "Defence Minister signs the contract": nobody the headline names is bound by it
        if short_names:
            found = replace(found, parties=tuple(dict.fromkeys(short_names.get(p, p) for p in found.parties)))
        found = replace(found, parties=tuple(dict.fromkeys(_body_name(p, merged) for p in found.parties)))
        same = next(
            (
                i
                for i, b in enumerate(merged)
                if (
                    KIND_GROUPS.get(b.kind) == KIND_GROUPS.get(found.kind)
                    and set(b.parties) & set(found.parties)
                )
                or (found.kind in _VAGUE_KINDS and set(found.parties) <= set(b.parties))
            ),
            None,
        )
        if same is None:
            lone = next(
                (i for i, b in enumerate(merged) if b.kind == found.kind and len(b.parties) == 1),
                None,
            )
            if lone is not None and len(found.parties) == 1 and found.kind != "investment":
                # "Herefordshire Council has signed a contract ..." and the summary's "... contract with
                # PwC": each names one side of the same agreement (an investment may have one side only)
                merged[lone] = replace(merged[lone], parties=(*merged[lone].parties, *found.parties))
            else:
                merged.append(found)
        elif merged[same].kind in _VAGUE_KINDS and found.kind not in _VAGUE_KINDS:
            merged[same] = replace(merged[same], kind=found.kind)
    return tuple(merged)


def _body_name(party: str, body: Sequence[Partnership]) -> str:
    """The body's fuller name for a party a headline shortens: "Telenor, Virtual University ink MoU" names
    the body's "Telenor Pakistan" and "Virtual University of Pakistan", "IIT Roorkee" the body's "Indian
    Institute of Technology, Roorkee" (when only one body party fits)."""
    named = {p for b in body for p in b.parties}
    longer = {
        p for p in named if p.startswith((f"{party} ", f"{party}, ")) or _same_with_place(party, p)
    }  # ("Novavax" is the body's "Novavax, Inc.")
    return longer.pop() if len(longer) == 1 and party not in named else party


MIN_BUYER_MENTIONS = 2  # a public body named once is a detail of the report, not what it is about


def _main_public_body(mentions: Sequence[Mention]) -> str | None:
    """The public body a text names most often (at least `MIN_BUYER_MENTIONS` times; the first on a tie)."""
    counts: dict[str, int] = {}
    for mention in mentions:
        party = mention.party
        if (
            mention.kind in ("organisation", "government")
            and party
            and (is_public(party) or NATIONAL_GOVERNMENT.match(party))
        ):
            counts[party] = counts.get(party, 0) + 1
    if not counts:
        return None
    party, count = max(counts.items(), key=lambda item: item[1])
    return party if count >= MIN_BUYER_MENTIONS else None


def _with_publisher(
    agreement: _Agreement, self_party: str, publishers: Sequence[str] = (), takes_part: bool = True
) -> None:
    """An agreement the publisher reports with one other party is usually the publisher's own.

    "The council has terminated its contract with BT" names BT alone; the council publishing it is the
    other party. A company's investment is its own, and a publisher already named stays as it is, under
    its own name too: Building Digital UK's contracts on a page it publishes with its department are not
    also the government's.
    """
    if (
        agreement.several
        and agreement.kind in ("contract", "grant")
        and len(agreement.parties) >= 2
        and not is_press(self_party)
        and not any(is_public(p) or p in publishers for p in agreement.parties)
        and takes_part
    ):
        # "Contracts ... have been awarded to A, B and C" on a council's page: the council's, one each;
        # on Sellafield Ltd's page ("Sellafield Ltd awards £2.9bn contracts"), Sellafield's
        agreement.parties.insert(0, self_party)
        return
    if (
        len(agreement.parties) == 1
        and agreement.parties[0] != self_party
        and agreement.parties[0] not in publishers
        and agreement.kind != "investment"
        # a public body's deals in the plural with nobody named are not the publisher's ("franchises")
        and not (agreement.several and agreement.kind in FUNDED_KINDS and is_public(agreement.parties[0]))
        and not is_press(self_party)  # a newspaper reporting a deal is no party to it
        # a company or body that is no government takes part in what it publishes by naming itself;
        # one that never does ("Nine Publishing" on a report about the council) is its reporter
        and takes_part
    ):
        agreement.parties.append(self_party)


_FIRST_PERSON = re.compile(r"\b(?:[Ww]e|[Oo]ur|[Uu]s)\b")


def _names_by_first_word(text: str, words: Sequence[str]) -> bool:
    """Tell whether a text names a publisher by its first word alone ("Serco" for Serco Group): a word of
    its own, standing alone, not the opening of another name ("Nuclear" of "Nuclear Regulatory Commission"
    does not name Nuclear Engineering International, nor "Offshore" Offshore Engineer)."""
    first = words[0]
    if first[1:].islower() and is_common_word(first, NAME_WORD_ZIPF):
        return False
    follow = words[1] if len(words) > 1 else ""
    for match in re.finditer(rf"(?<![\w-]){re.escape(first)}(?![\w-])", text):
        after = _NEXT_CAPITAL.match(text, match.end())
        if after is None or after["word"] == follow:
            return True
    return False


_NEXT_CAPITAL = re.compile(r"[ ](?P<word>[A-Z][\w&-]*)")


# The head nouns by which a text names its publisher with "the" ("the University", "the Council").
_BODY_NOUN = re.compile(
    r"University|College|Council|Department|Ministry|Agency|Authority|Commission|Bank|Trust|Foundation|"
    r"Institute|Company|Group|Office|Service|Board|Corporation|Fund|Centre|Center|Society|Association|"
    r"Government|Executive|Administration|Laboratory|School|Hospital|Port|Police|Library|Museum|Network|"
    r"Partnership|Catapult|Academy|Chamber|Federation|Union|Alliance|Consortium|Directorate|Regulator|"
    r"Inspectorate|Tribunal|Court|Parliament|Assembly|Cabinet|Treasury|Mission|Embassy|Consulate|"
    r"Operator|Provider|Firm|Bureau|Secretariat|Observatory|Institution|Organisation|Organization|Trustees"
)


def _names_itself(text: str, self_party: str, publishers: Sequence[str]) -> bool:
    """Tell whether a text names its publisher: by name, by the first word of it, by "the" and its last
    word ("the University") or as "we"; never when it names it only as its reporter."""
    if any(reported_as_press(text, name) for name in (self_party, *publishers)):
        return False
    for name in (n for n in (self_party, *publishers) if n.strip()):
        words = name.split()
        if words[0] in ("The", "the") and len(words) > 1:
            words = words[1:]  # "The Motley Fool" is not named by every "The"
        if (
            name in text
            or _names_by_first_word(text, words)
            # "the University"; not "the international" of "Private Banker International"
            or (_BODY_NOUN.fullmatch(words[-1]) is not None and f"the {words[-1].lower()}" in text.lower())
        ):
            return True
    # "we" in its own voice: in quotes it is whoever is quoted ("'We are delighted,' said the minister")
    return _FIRST_PERSON.search(_QUOTED.sub(" ", text)) is not None


def _buys_from_company(parties: Sequence[str]) -> bool:
    """Tell whether two parties are a public body and a company (no bank, fund, university or government)."""
    if len(parties) != 2:
        return False
    public = [p for p in parties if is_public(p) or NATIONAL_GOVERNMENT.match(p)]
    others = [p for p in parties if p not in public]
    return (
        len(public) == 1
        and len(others) == 1
        and not _UNIVERSITY.search(others[0])
        and not INVESTOR_NAME.search(others[0])
        and not INVESTOR_NAME.search(public[0])  # a development bank's agreement with a company is a loan
        and not is_press(others[0])
    )


def _finish(agreement: _Agreement) -> Partnership:
    status = next((s for s in STATUS_PRECEDENCE if s in agreement.statuses), "announced")
    legal = [n for n in LEGAL_ORDER if n in agreement.legal]
    if "not legally binding" in legal and "legally binding" in legal:
        legal.remove("legally binding")
    kind = agreement.kind
    parties = consolidate_parties(agreement.parties, agreement.kind)
    if (
        kind == "other"
        and _buys_from_company(parties)
        and any(states_money(e.sentence) for e in agreement.evidence)
    ):
        kind = "contract"  # "a $365 million agreement between the province and Oracle": a public body buys
    partnership = Partnership(
        kind=kind,
        parties=tuple(consolidate_parties(agreement.parties, agreement.kind)),
        status=status,
        signatories=tuple(agreement.signatories),
        legal_nature=", ".join(legal) or None,
        date=agreement.date,
        evidence=tuple(agreement.evidence),
    )
    return replace(partnership)
