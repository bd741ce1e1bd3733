"""The table of all injected rules and the plan of one county-year.

Counts: ``rate`` × the rule's population (cases, detentions, incidents … of a full county-year)
× the county's size; at least one when the rate is positive. Variants (overdue/late/violation,
or kinds of subject) take turns, so every status of a rule appears once there are enough.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fazhi.synth import incidents
from fazhi.synth.injections import gf, jq, lx, sj, xs, za, zn
from fazhi.synth.injections.common import Planned, Rule
from fazhi.synth.periods import DAY, HOUR, day_of

if TYPE_CHECKING:
    from fazhi.synth.services import CountyRun

# Size of each population in a full county-year: injections scale with it.
POPULATIONS = {
    "criminal": 2600,
    "detention": 650,
    "arrest": 300,
    "bail": 900,
    "surveillance": 150,
    "admin": 4900,
    "incident": 60000,
    "dispute": 13000,
    "case": 7500,
    "transcript": 19000,
    "person": 18000,
    "property": 2500,
    "visit": 5000,
    "document": 40000,
    "leader": 42,  # 所队长 and 法制员
}


def _all_rules() -> dict[str, Rule]:
    # The order is part of the seed: rules are planned (and draw from the county's random
    # stream) family by family, so reordering the families changes every generated county.
    table: dict[str, Rule] = {}
    for family in (xs, za, jq, gf, sj, zn, lx):
        for code, spec in family.RULES.items():
            if code in table:
                raise ValueError(f"rule {code} registered by two families")
            table[code] = spec
    return table


RULES: dict[str, Rule] = _all_rules()


def plan(run: CountyRun, rates: dict[str, float]) -> list[Planned]:
    rng = run.rng
    items: list[Planned] = []
    for code, spec in RULES.items():
        rate = rates.get(code, spec.rate)
        if rate <= 0:
            continue
        count = max(1, round(rate * POPULATIONS[spec.population] * run.size))
        if code not in rates:
            count = max(count, len(spec.variants))  # defaults show every variant
        for i in range(count):
            variant, low, high = spec.variants[i % len(spec.variants)]
            days = rng.uniform(low, high)
            day = day_of(run.as_of) - int(days) - 1
            at = day * DAY + incidents.draw_time_of_day(rng)
            if not spec.carried_over:
                at = max(at, run.window_start + HOUR)
            items.append(Planned(code, variant, at, spec.recipe))
    for item in list(items):
        prepare = RULES[item.code].prepare
        if prepare is not None:
            items.extend(prepare(run, item))
    items.sort(key=lambda p: (p.at, p.code))
    return items
