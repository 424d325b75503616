"""The försörjningsstöd calculation of stegvis's `norm` crate as a small vectorised OpenFisca model.

Purpose: a throughput comparison (see docs/benchmarks.md) and a cross-check of the totals. It reads the
population that `stegvis bench norm --export FILE` wrote (calc-contract JSON Lines), computes the same rules
(riksnorm by year, couple/single adults, child age bands with the lunch rule, households above 7 persons, the
household-community share, reasonable costs, counted and exempt incomes, the jobbstimulans window, children's
work income against the prisbasbelopp, assets) and times `simulation.calculate("assistance", ...)` alone.

Not covered (the exported population never uses them): municipal guideline ceilings and rule-set modules.
Amounts are whole kronor in int64, as in the contract.
"""

import argparse
import csv
import json
import os
import sys
import time

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.periods import MONTH
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "crates", "norm", "data")
PERIOD = "2026-01"  # the simulation's period is only a label: each household carries its own month as input

# ---------------------------------------------------------------------------------------------------------------
# Tables, read from the very CSV files the Rust crate embeds.

BANDS = ["0", "1_2", "3", "4_6", "7_10", "11_14", "15_18", "19_20"]


def _rows(name):
    with open(os.path.join(DATA, name), newline="", encoding="utf-8") as f:
        lines = [l for l in f if l.strip() and not l.startswith("#")]
    return list(csv.DictReader(lines))


def load_tables():
    rows = _rows("riksnorm.csv")
    years = sorted({int(r["year"]) for r in rows})
    first = years[0]
    n = len(years)
    child = np.zeros((n, 13), dtype=np.int64)  # slots 0-7 bands, 8-11 lunch-out bands 0-6, 12 = adult (zero)
    single = np.zeros(n, dtype=np.int64)
    couple = np.zeros(n, dtype=np.int64)
    common = np.zeros((n, 8), dtype=np.int64)  # index = size 1..7 (0 unused)
    for r in rows:
        y, item, amount = int(r["year"]) - first, r["item"], int(r["amount"])
        if item == "adult_single":
            single[y] = amount
        elif item == "adult_couple":
            couple[y] = amount
        elif item.startswith("common_"):
            common[y, int(item[7:])] = amount
        elif item.endswith("_lunch_out"):
            child[y, 8 + BANDS.index(item[6:-10])] = amount
        else:
            child[y, BANDS.index(item[6:])] = amount
    pbb = np.zeros(n, dtype=np.int64)
    for r in _rows("prisbasbelopp.csv"):
        pbb[int(r["year"]) - first] = int(r["amount"])
    return first, child, single, couple, common, pbb


FIRST_YEAR, CHILD, SINGLE, COUPLE, COMMON, PBB = load_tables()

# ---------------------------------------------------------------------------------------------------------------
# Entities and variables.

Person = build_entity(key="person", plural="persons", label="Person", is_person=True)
Household = build_entity(
    key="household",
    plural="households",
    label="Hushåll",
    roles=[
        {"key": "adult", "plural": "adults", "label": "Vuxen"},
        {"key": "child", "plural": "children", "label": "Barn"},
    ],
)


def _input(name, entity, value_type=int):
    return type(name, (Variable,), {"value_type": value_type, "entity": entity, "definition_period": MONTH})


INPUTS = [
    # household
    _input("month_index", Household),  # year * 12 + month - 1
    _input("couple", Household, bool),
    _input("shared_household_size", Household),  # 0 = not in a household community
    _input("costs", Household),  # reasonable costs, kronor
    _input("plain_income", Household),  # incomes counted in full (not salaries), kronor
    _input("assets", Household),
    # person
    _input("age", Person),
    _input("is_adult", Person, bool),
    _input("lunch_outside_home", Person, bool),
    _input("months_with_assistance", Person),
    _input("jobbstimulans_from", Person),  # month index, -1 = not recorded
    _input("salary", Person),
    _input("earned_earlier_this_year", Person),
]


class year_index(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH

    def formula(household, period):
        return household("month_index", period) // 12 - FIRST_YEAR


class household_size(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH

    def formula(household, period):
        return household.nb_persons()


class child_slot(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH

    def formula(person, period):
        age = person("age", period)
        band = np.select(
            [age == 0, age <= 2, age == 3, age <= 6, age <= 10, age <= 14, age <= 18],
            [0, 1, 2, 3, 4, 5, 6],
            7,
        )
        lunch = person("lunch_outside_home", period) & (band <= 3)
        return np.where(person("is_adult", period), 12, band + 8 * lunch)


class child_norm(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH

    def formula(person, period):
        y = person.household("year_index", period)
        return CHILD[y, person("child_slot", period)]


class adult_norm(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH

    def formula(household, period):
        y = household("year_index", period)
        n_adults = household.nb_persons(Household.ADULT)
        shared = household("shared_household_size", period)
        share = (COMMON_FOR(y, np.maximum(shared, 1)) * 2 + np.maximum(shared, 1)) // (2 * np.maximum(shared, 1))
        alone = SINGLE[y] + share
        return np.where(
            shared > 0, alone, np.where(household("couple", period), COUPLE[y], SINGLE[y] * n_adults)
        )


def COMMON_FOR(y, size):
    """Household-common cost for `size` persons; above 7 each extra person adds common_7 - common_6."""
    capped = np.minimum(size, 7)
    extra = np.maximum(size - 7, 0)
    return COMMON[y, capped] + extra * (COMMON[y, 7] - COMMON[y, 6])


class common_norm(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH

    def formula(household, period):
        y = household("year_index", period)
        shared = household("shared_household_size", period)
        return np.where(shared > 0, 0, COMMON_FOR(y, household("household_size", period)))


class norm(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH

    def formula(household, period):
        return (
            household("adult_norm", period)
            + household.sum(household.members("child_norm", period))
            + household("common_norm", period)
        )


class jobbstimulans_applies(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH

    def formula(person, period):
        month = person.household("month_index", period)
        mwa = person("months_with_assistance", period)
        start = person("jobbstimulans_from", period)
        recorded = start >= 0
        since = month - start
        within = since < 24
        new_months = np.minimum(mwa, np.maximum(since - 24, 0))
        return person("is_adult", period) & np.where(recorded, within | (new_months >= 6), mwa >= 6)


class counted_salary(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH

    def formula(person, period):
        salary = person("salary", period)
        disregard = np.where(person("jobbstimulans_applies", period), (salary + 3) // 4, 0)
        y = person.household("year_index", period)
        room = np.maximum(PBB[y] - person("earned_earlier_this_year", period), 0)
        child_part = np.maximum(salary - room, 0)
        return np.where(person("is_adult", period), salary - disregard, child_part)


class counted_income(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH

    def formula(household, period):
        return household("plain_income", period) + household.sum(household.members("counted_salary", period))


class assistance(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH

    def formula(household, period):
        need = household("norm", period) + household("costs", period)
        return np.maximum(need - household("counted_income", period) - household("assets", period), 0)


def tax_benefit_system():
    tbs = TaxBenefitSystem([Person, Household])
    for v in INPUTS + [
        year_index,
        household_size,
        child_slot,
        child_norm,
        adult_norm,
        common_norm,
        norm,
        jobbstimulans_applies,
        counted_salary,
        counted_income,
        assistance,
    ]:
        tbs.add_variable(v)
    return tbs


# ---------------------------------------------------------------------------------------------------------------
# Population: the contract JSON Lines written by `stegvis bench norm --export`.

EXEMPT = {"disability_compensation", "exempt_grant", "other_exempt"}


def month_index(s):
    y, m = s.split("-")
    return int(y) * 12 + int(m) - 1


def load_population(path):
    hh = {k: [] for k in ["month_index", "couple", "shared_household_size", "costs", "plain_income", "assets"]}
    p = {k: [] for k in ["household", "is_adult", "age", "lunch_outside_home", "months_with_assistance",
                         "jobbstimulans_from", "salary", "earned_earlier_this_year"]}
    with open(path, encoding="utf-8") as f:
        for h, line in enumerate(f):
            r = json.loads(line)
            hh["month_index"].append(month_index(r["month"]))
            hh["couple"].append(bool(r.get("couple")))
            hh["shared_household_size"].append(r.get("shared_household_size") or 0)
            hh["costs"].append(sum(r.get("costs", {}).values()))
            hh["assets"].append(r.get("assets", 0))
            salary, earlier, plain = {}, {}, 0
            for inc in r.get("incomes", []):
                if inc["kind"] == "salary":
                    if inc["member"] in salary:
                        sys.exit("the model expects at most one salary per person")
                    salary[inc["member"]] = inc["amount"]
                    earlier[inc["member"]] = inc.get("earned_earlier_this_year", 0)
                elif inc["kind"] not in EXEMPT:
                    plain += inc["amount"]
            hh["plain_income"].append(plain)
            for m in r["members"]:
                p["household"].append(h)
                p["is_adult"].append(m["role"] == "adult")
                p["age"].append(m["age"])
                p["lunch_outside_home"].append(m.get("lunch_outside_home", False))
                p["months_with_assistance"].append(m.get("months_with_assistance", 0))
                jf = m.get("jobbstimulans_from")
                p["jobbstimulans_from"].append(month_index(jf) if jf else -1)
                p["salary"].append(salary.get(m["id"], 0))
                p["earned_earlier_this_year"].append(earlier.get(m["id"], 0))
    return {k: np.array(v) for k, v in hh.items()}, {k: np.array(v) for k, v in p.items()}


def build_simulation(tbs, hh, p):
    sb = SimulationBuilder()
    sb.create_entities(tbs)
    n_h = len(hh["month_index"])
    sb.declare_person_entity("person", np.arange(len(p["household"])))
    households = sb.declare_entity("household", np.arange(n_h))
    sb.join_with_persons(households, p["household"], np.where(p["is_adult"], "adult", "child"))
    sim = sb.build(tbs)
    for k, v in hh.items():
        sim.set_input(k, PERIOD, v)
    for k, v in p.items():
        if k != "household":
            sim.set_input(k, PERIOD, v)
    return sim


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--population", required=True, help="JSON Lines from `stegvis bench norm --export`")
    ap.add_argument("--reference", help="`stegvis calc --batch` output for the same file, to cross-check")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs, each on a fresh simulation; the median is kept")
    a = ap.parse_args()

    tbs = tax_benefit_system()
    hh, p = load_population(a.population)
    n = len(hh["month_index"])
    times = []
    result = None
    for _ in range(max(a.repeat, 1)):
        sim = build_simulation(tbs, hh, p)
        t0 = time.perf_counter()
        result = sim.calculate("assistance", PERIOD)
        times.append(time.perf_counter() - t0)
    median = sorted(times)[len(times) // 2]
    print(f"engine=openfisca households={n} persons={len(p['household'])} runs={len(times)} "
          f"assistance_total_kr={int(result.sum())} median_seconds={median:.3f} households_per_s={n / median:.0f} "
          f"best_households_per_s={n / min(times):.0f}")

    if a.reference:
        with open(a.reference, encoding="utf-8") as f:
            ref = np.array([json.loads(l)["assistance"] for l in f], dtype=np.int64)
        bad = np.nonzero(ref != result)[0]
        print(f"cross_check households={len(ref)} mismatches={len(bad)}")
        for i in bad[:10]:
            print(f"  mismatch line {i + 1}: stegvis={ref[i]} openfisca={result[i]}")
        if len(bad):
            sys.exit(1)


if __name__ == "__main__":
    main()
