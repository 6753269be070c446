"""Word lists and fixed tables the alert subscriptions use: partnership kinds, frequencies, exchange rates.

Kept apart from the logic so a reviewer can change a rate or add an acronym without reading code.
"""

from __future__ import annotations

from typing import Final

from govwatch.messages import load_schema

#: Partnership kinds a `--kind` filter may name (the `partnerships.kind` values of the DuckDB view): the
#: announcement schema's list, the one definition the tagger's lexicon and kind groups are tested against.
PARTNERSHIP_KINDS: Final[tuple[str, ...]] = tuple(
    load_schema("announcement")["$defs"]["partnership"]["properties"]["kind"]["enum"]
)

#: Everyday names people type for a kind; `mou` is what most users write.
KIND_ALIASES: Final = {
    "mou": "memorandum_of_understanding",
    "memorandum": "memorandum_of_understanding",
    "partnership": "strategic_partnership",
    "framework": "framework_agreement",
}

#: How often a subscription is delivered: each alert at once, or one digest per UTC day or ISO week.
FREQUENCIES: Final = ("immediate", "daily", "weekly")

#: Fixed reference rates used to compare money figures with `--min-amount` (GBP per unit of currency).
#: They are deliberately fixed, and exactly the rows the `gbp_rates` table of the analyst views is seeded
#: with (a test holds the two equal), so that a subscription decides the same way on every replay and
#: agrees with SQL over `figures`; a threshold is a rough cut, not an accounting figure. Money in other
#: currencies never passes a `--min-amount`.
GBP_PER_UNIT: Final = {
    "GBP": 1.0,
    "USD": 0.79,
    "EUR": 0.85,
    "JPY": 0.0052,
    "CAD": 0.57,
    "AUD": 0.52,
}

#: Well-known acronyms of GOV.UK organisation slugs, so `--organisation dsit` finds the department.
ORGANISATION_ACRONYMS: Final = {
    "dsit": "department-for-science-innovation-and-technology",
    "dbt": "department-for-business-and-trade",
    "dcms": "department-for-culture-media-and-sport",
    "dfe": "department-for-education",
    "dft": "department-for-transport",
    "dhsc": "department-of-health-and-social-care",
    "desnz": "department-for-energy-security-and-net-zero",
    "defra": "department-for-environment-food-rural-affairs",
    "dwp": "department-for-work-pensions",
    "fcdo": "foreign-commonwealth-development-office",
    "hmt": "hm-treasury",
    "ho": "home-office",
    "mod": "ministry-of-defence",
    "moj": "ministry-of-justice",
    "mhclg": "ministry-of-housing-communities-local-government",
    "co": "cabinet-office",
    "gds": "government-digital-service",
    "cddo": "central-digital-and-data-office",
    "aisi": "ai-security-institute",
    "ukri": "uk-research-and-innovation",
    "hmrc": "hm-revenue-customs",
    "nhs": "nhs-england",
}

#: Webhook secrets may also come from this variable when `--secret` is not given.
WEBHOOK_SECRET_ENV: Final = "GOVWATCH_WEBHOOK_SECRET"
