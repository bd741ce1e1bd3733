"""The organisation of one county bureau (县局): units, officers, venues and the towns they police.

Officers carry the only state that lives as long as the county does: the transcript intervals
they are booked for, so that no officer sits in two transcripts at once (rule GF-XW-03).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from fazhi.synth import names
from fazhi.synth.periods import EPOCH_DATE

SWORN_ROLES = frozenset({"民警", "法制员", "业务负责人", "分管法制领导", "所队长", "局领导"})
LEAD_ROLES = frozenset({"民警", "业务负责人", "所队长"})

# (kind, name, sworn officers, auxiliaries) per brigade of a full-size county.
BRIGADES = (
    ("刑侦大队", "刑事侦查大队", 22, 8),
    ("治安大队", "治安管理大队", 11, 5),
    ("交警大队", "交通警察大队", 26, 24),
    ("经侦大队", "经济犯罪侦查大队", 8, 2),
    ("禁毒大队", "禁毒大队", 8, 3),
    ("网安大队", "网络安全保卫大队", 8, 2),
    ("法制大队", "法制大队", 6, 1),
    ("执法办案管理中心", "执法办案管理中心", 6, 8),
)
URBAN_TOWNS = ("城东街道", "城南街道", "城西街道", "城北街道", "城中街道")


@dataclass
class Officer:
    id: str
    name: str
    unit_id: str
    role: str
    qualification: str
    qualified_day: int | None  # days since the epoch, None when qualification is 无
    active: bool = True
    busy: list[tuple[int, int]] = field(default_factory=list)

    @property
    def sworn(self) -> bool:
        return self.role in SWORN_ROLES

    def can_lead(self, day: int) -> bool:
        # A margin of days: qualified_at is a date, accepted_at a time, and a patrol compares them.
        return (
            self.active
            and self.role in LEAD_ROLES
            and self.qualification != "无"
            and self.qualified_day is not None
            and self.qualified_day < day - 2
        )

    def is_free(self, start: int, end: int, ignore: tuple[int, int] | None = None) -> bool:
        return all(end <= s or start >= e or (s, e) == ignore for s, e in self.busy)

    def book(self, start: int, end: int) -> None:
        self.busy.append((start, end))

    def unbook(self, start: int, end: int) -> None:
        self.busy.remove((start, end))

    def prune(self, before: int) -> None:
        if self.busy:
            self.busy = [iv for iv in self.busy if iv[1] > before]

    def record(self) -> dict[str, object]:
        return {
            "type": "officer",
            "id": self.id,
            "name": self.name,
            "unit_id": self.unit_id,
            "role": self.role,
            "qualification": self.qualification,
            "qualified_at": None
            if self.qualified_day is None
            else (EPOCH_DATE + dt.timedelta(days=self.qualified_day)).isoformat(),
            "active": self.active,
        }


@dataclass
class Venue:
    id: str
    name: str
    unit_id: str
    kind: str

    def record(self) -> dict[str, object]:
        return {
            "type": "venue",
            "id": self.id,
            "name": self.name,
            "unit_id": self.unit_id,
            "kind": self.kind,
        }


@dataclass
class Unit:
    id: str
    name: str
    kind: str
    parent_id: str | None
    officers: list[Officer] = field(default_factory=list)
    venues: dict[str, list[Venue]] = field(default_factory=dict)
    towns: list[names.Town] = field(default_factory=list)

    def record(self) -> dict[str, object]:
        return {
            "type": "unit",
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "parent_id": self.parent_id,
        }

    def leads(self, day: int) -> list[Officer]:
        return [o for o in self.officers if o.can_lead(day)]

    def sworn(self) -> list[Officer]:
        return [o for o in self.officers if o.active and o.role in LEAD_ROLES | {"法制员"}]

    def auxiliaries(self) -> list[Officer]:
        return [o for o in self.officers if o.active and o.role == "辅警"]

    def venue(self, kind: str, rng: random.Random) -> Venue | None:
        options = self.venues.get(kind)
        return rng.choice(options) if options else None


@dataclass
class County:
    prefix: str
    name: str  # e.g. 青溪县
    bureau: Unit
    stations: list[Unit]
    brigades: dict[str, Unit]
    units: list[Unit]
    officers: list[Officer]
    venues: list[Venue]
    leaders: list[Officer]  # 局领导, who approve coercive measures
    detention_house: Venue
    admin_detention: Venue
    towns: list[tuple[names.Town, Unit]]

    def unit_by_id(self, unit_id: str) -> Unit:
        for unit in self.units:
            if unit.id == unit_id:
                return unit
        raise KeyError(unit_id)


def _qualification(rng: random.Random, role: str, window_start_day: int) -> tuple[str, int | None]:
    if role == "辅警":
        return "无", None
    if role in {"局领导", "分管法制领导"}:
        level = rng.choice(("中级", "高级", "高级"))
    elif role in {"所队长", "法制员"}:
        # 中级 at least (GF-ZG-02): one draw, as for the other roles, so the stream is unchanged
        level = rng.choices(("中级", "高级"), weights=(8, 2))[0]
    elif role == "业务负责人":
        level = rng.choices(("基本级", "中级", "高级"), weights=(2, 6, 2))[0]
    else:
        level = rng.choices(("无", "基本级", "中级", "高级"), weights=(8, 62, 25, 5))[0]
    if level == "无":
        return level, None
    if role == "民警" and rng.random() < 0.06:
        # Recently qualified: may lead cases only from that date on (GF-ZG-01 "at accepted_at").
        day = window_start_day + rng.randint(60, 250)
    else:
        first = (dt.date(2008, 1, 1) - EPOCH_DATE).days
        day = rng.randint(first, window_start_day - 200)
    return level, day


def build_county(
    rng: random.Random,
    prefix: str,
    name: str,
    parent_id: str | None,
    size: float,
    window_start_day: int,
) -> County:
    """A county bureau; ``size`` 1.0 is a full county (~14 派出所, ~400 officers)."""
    used_numbers: set[int] = set()
    officers: list[Officer] = []
    venues: list[Venue] = []

    def new_officer(unit: Unit, role: str) -> Officer:
        number = rng.randrange(100000, 999999)
        while number in used_numbers:
            number = rng.randrange(100000, 999999)
        used_numbers.add(number)
        male = rng.random() < (0.82 if role != "辅警" else 0.7)
        level, day = _qualification(rng, role, window_start_day)
        officer = Officer(
            id=f"{prefix}-{number}",
            name=names.full_name(rng, male),
            unit_id=unit.id,
            role=role,
            qualification=level,
            qualified_day=day,
            active=rng.random() > 0.015 or role != "民警",
        )
        unit.officers.append(officer)
        officers.append(officer)
        return officer

    def add_venue(unit: Unit, kind: str, label: str) -> Venue:
        venue = Venue(f"{prefix}-V{len(venues) + 1:03d}", f"{unit.name}{label}", unit.id, kind)
        unit.venues.setdefault(kind, []).append(venue)
        venues.append(venue)
        return venue

    bureau = Unit(f"{prefix}-U00", f"{name}公安局", "县局", parent_id)
    units = [bureau]
    leaders = [new_officer(bureau, "局领导") for _ in range(5)]
    new_officer(bureau, "分管法制领导")
    for _ in range(3):
        new_officer(bureau, "民警")

    n_stations = max(3, round(14 * size))
    station_towns: list[list[str]] = []
    rural = [names.place_name(rng) + suffix for suffix in names.TOWN_SUFFIXES for _ in range(6)]
    rng.shuffle(rural)
    urban = list(URBAN_TOWNS)
    for i in range(n_stations):
        if i < 4:
            station_towns.append([urban[i]] + ([urban[4]] if i == 0 else []))
        else:
            station_towns.append([rural.pop()] + ([rural.pop()] if rng.random() < 0.4 else []))

    stations: list[Unit] = []
    towns: list[tuple[names.Town, Unit]] = []
    seen_names: set[str] = set()
    for i, town_names in enumerate(station_towns):
        base = town_names[0].removesuffix("街道").removesuffix("镇").removesuffix("乡")
        while base in seen_names:
            base = names.place_name(rng)
        seen_names.add(base)
        station = Unit(f"{prefix}-U{i + 1:02d}", f"{base}派出所", "派出所", bureau.id)
        stations.append(station)
        units.append(station)
        for town_name in town_names:
            town = names.make_town(rng, town_name)
            station.towns.append(town)
            towns.append((town, station))
        new_officer(station, "所队长")
        for _ in range(rng.randint(1, 2)):
            new_officer(station, "业务负责人")
        new_officer(station, "法制员")
        for _ in range(rng.randint(8, 12)):
            new_officer(station, "民警")
        for _ in range(rng.randint(5, 8)):
            new_officer(station, "辅警")
        add_venue(station, "办案区", "办案区")
        add_venue(station, "询问室", "询问室一")
        add_venue(station, "询问室", "询问室二")
        add_venue(station, "讯问室", "讯问室")
        add_venue(station, "候问室", "候问室")

    brigades: dict[str, Unit] = {}
    for j, (kind, label, sworn, aux) in enumerate(BRIGADES):
        unit = Unit(f"{prefix}-U{n_stations + j + 1:02d}", label, kind, bureau.id)
        brigades[kind] = unit
        units.append(unit)
        new_officer(unit, "所队长")
        if kind == "法制大队":
            for _ in range(max(2, round(sworn * max(size, 0.5)))):
                new_officer(unit, "法制员")
        else:
            new_officer(unit, "业务负责人")
            for _ in range(max(3, round(sworn * size))):
                new_officer(unit, "民警")
        for _ in range(max(1, round(aux * size))):
            new_officer(unit, "辅警")
        if kind in {"刑侦大队", "经侦大队", "禁毒大队", "网安大队", "治安大队", "交警大队"}:
            add_venue(unit, "询问室", "询问室")
            add_venue(unit, "讯问室", "讯问室")
    centre = brigades["执法办案管理中心"]
    add_venue(centre, "办案区", "办案区")
    for k in range(3):
        add_venue(centre, "讯问室", f"讯问室{k + 1}")
        add_venue(centre, "询问室", f"询问室{k + 1}")
    add_venue(centre, "候问室", "候问室")
    detention_house = add_venue(bureau, "看守所", "看守所")
    detention_house.name = f"{name}看守所"
    admin_detention = add_venue(bureau, "拘留所", "拘留所")
    admin_detention.name = f"{name}拘留所"

    return County(
        prefix=prefix,
        name=name,
        bureau=bureau,
        stations=stations,
        brigades=brigades,
        units=units,
        officers=officers,
        venues=venues,
        leaders=leaders,
        detention_house=detention_house,
        admin_detention=admin_detention,
        towns=towns,
    )
