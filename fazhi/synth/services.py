"""The synthetic county generator: FZX JSON Lines plus a ground-truth sidecar.

``generate`` streams: each county is generated day by day and every case is written as soon as
it is complete, so memory holds one county's organisation, its officers' booked transcript
intervals and a 30-day dispute window, never the records already written. Everything random
comes from ``random.Random`` instances seeded from the seed and the county's index, so the same
arguments always give the same bytes.
"""

from __future__ import annotations

import gzip
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from fazhi.synth import incidents, names, paths
from fazhi.synth.cases import CaseWork, Ctx, Record, format_record
from fazhi.synth.county import County, Officer, Unit, build_county
from fazhi.synth.injections import registry
from fazhi.synth.injections.common import Planned
from fazhi.synth.oversight import Oversight
from fazhi.synth.periods import DAY, HOUR, MINUTE, day_of, fmt, parse_iso

DEFAULT_AS_OF = "2026-11-01T00:00:00+08:00"
INCIDENTS_PER_COUNTY = 60000
RECORD_TYPES = (
    "unit",
    "officer",
    "venue",
    "incident",
    "case",
    "person",
    "measure",
    "property",
    "event",
    "transcript",
    "venue_visit",
    "document",
    "followup",
    # FZX v1.1
    "property_movement",
    "recording",
    "review",
    "complaint",
    "safety_event",
    "training",
    "commendation",
    "discipline",
)


@dataclass(frozen=True)
class Scale:
    name: str
    cities: int  # 市局 under a province root; 0 = no province level
    counties_per_city: int  # 0 = a single county is the root
    size: float  # of each county: 1.0 = full county


SCALES = {
    "demo": Scale("demo", 0, 0, 0.25),
    "county": Scale("county", 0, 0, 1.0),
    "city": Scale("city", 0, 10, 1.0),
    "province": Scale("province", 10, 10, 1.0),
}


@dataclass
class Options:
    scale: str
    seed: int
    out: Path
    as_of: str = DEFAULT_AS_OF
    rates: dict[str, float] = field(default_factory=dict)


@dataclass
class Summary:
    out: Path
    truth: Path
    records: int
    findings: int
    seconds: float
    counts: dict[str, int]

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


def truth_path(out: Path) -> Path:
    name = out.name
    for suffix in (".jsonl.gz", ".jsonl", ".gz"):
        if name.endswith(suffix):
            return out.with_name(name[: -len(suffix)] + ".truth.jsonl")
    return out.with_name(name + ".truth.jsonl")


class Writer:
    """Writes FZX records as they come and counts them; truth rows go to a spool file so the
    header (which carries the counts) can still come first."""

    def __init__(self, stream: IO[bytes], truth_spool: IO[bytes]) -> None:
        self.stream = stream
        self.spool = truth_spool
        self.counts: dict[str, int] = dict.fromkeys(RECORD_TYPES, 0)
        self.findings: dict[str, int] = {}
        self.records = 0

    def emit(self, rec: Record) -> None:
        self.stream.write(orjson.dumps(format_record(rec)))
        self.stream.write(b"\n")
        self.counts[rec["type"]] += 1
        self.records += 1

    def truth(self, rule: str, subject_type: str, subject_id: str, status: str) -> None:
        row = {
            "rule": rule,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "status": status,
        }
        self.spool.write(orjson.dumps(row) + b"\n")
        self.findings[rule] = self.findings.get(rule, 0) + 1


@contextmanager
def _open_out(path: Path) -> Iterator[IO[bytes]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw:
        if path.name.endswith(".gz"):
            # mtime=0 and no file name in the header: same arguments, same bytes.
            with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0, filename="") as gz:
                yield gz  # type: ignore[misc]
        else:
            yield raw


def generate(options: Options) -> Summary:
    if options.scale not in SCALES:
        raise ValueError(f"unknown scale {options.scale!r}; choose one of {', '.join(SCALES)}")
    unknown = sorted(set(options.rates) - set(registry.RULES))
    if unknown:
        raise ValueError(f"unknown rule code(s): {', '.join(unknown)}")
    scale = SCALES[options.scale]
    as_of = parse_iso(options.as_of)
    started = time.perf_counter()
    truth_file = truth_path(options.out)
    with _open_out(options.out) as stream, tempfile.TemporaryFile() as spool:
        writer = Writer(stream, spool)
        _generate_all(writer, scale, options.seed, as_of, options.rates)
        spool.seek(0)
        header = {
            "as_of": fmt(as_of),
            "seed": options.seed,
            "scale": scale.name,
            "counts": writer.counts,
            "findings": dict(sorted(writer.findings.items())),
        }
        with truth_file.open("wb") as out:
            out.write(orjson.dumps(header) + b"\n")
            while chunk := spool.read(1 << 20):
                out.write(chunk)
    seconds = time.perf_counter() - started
    return Summary(
        options.out,
        truth_file,
        writer.records,
        sum(writer.findings.values()),
        seconds,
        dict(writer.counts),
    )


def _county_names(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        name = names.place_name(rng) + "县"
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def _generate_all(
    writer: Writer, scale: Scale, seed: int, as_of: int, rates: dict[str, float]
) -> None:
    rng = random.Random(f"fazhi-synth/{seed}/organisation")
    jobs: list[tuple[str, str, str | None]] = []  # (prefix, county name, parent unit id)
    if scale.counties_per_city == 0:
        jobs.append(("Q001", _county_names(rng, 1)[0], None))
    else:
        n_cities = max(1, scale.cities)
        county_names = _county_names(rng, n_cities * scale.counties_per_city)
        root_id: str | None = None
        if scale.cities:
            root_id = "S-U000"
            writer.emit(_unit(root_id, "省公安厅", "其他", None))
        for c in range(n_cities):
            city_name = names.place_name(rng) + "市"
            city_id = f"C{c + 1:02d}-U00"
            writer.emit(_unit(city_id, f"{city_name}公安局", "市局", root_id))
            for k in range(scale.counties_per_city):
                index = c * scale.counties_per_city + k
                jobs.append((f"Q{index + 1:03d}", county_names[index], city_id))
    for index, (prefix, county_name, parent) in enumerate(jobs):
        county_rng = random.Random(f"fazhi-synth/{seed}/county/{index}")
        # the v1.1 records' own stream: they leave the v1 records' draws as they were
        v11_rng = random.Random(f"fazhi-synth/{seed}/county/{index}/v1.1")
        CountyRun(
            writer, county_rng, prefix, county_name, parent, scale.size, as_of, rates, v11_rng
        ).run()


def _unit(unit_id: str, name: str, kind: str, parent: str | None) -> Record:
    return {"type": "unit", "id": unit_id, "name": name, "kind": kind, "parent_id": parent}


class CountyRun:
    """One county bureau's year: organisation, incidents, cases, injected violations."""

    def __init__(
        self,
        writer: Writer,
        rng: random.Random,
        prefix: str,
        name: str,
        parent: str | None,
        size: float,
        as_of: int,
        rates: dict[str, float],
        v11_rng: random.Random | None = None,
    ) -> None:
        self.writer = writer
        self.rng = rng
        self.as_of = as_of
        self.size = size
        self.window_start = (day_of(as_of) - 365) * DAY
        self.county: County = build_county(
            rng, prefix, name, parent, size, day_of(self.window_start)
        )
        self.ctx = Ctx(self.county, rng, as_of, writer.emit)
        self.oversight = Oversight(
            self.county, v11_rng or random.Random(f"{name}/v1.1"), as_of, writer.emit, size
        )
        self.ctx.oversight = self.oversight
        self.guard = incidents.DisputeGuard()
        self.rates = rates

    # --- the year ---------------------------------------------------------------------------

    def run(self) -> None:
        county = self.county
        # Planned first: an injection may change an officer before he is written (GF-ZG-02).
        plan = registry.plan(self, self.rates)
        for unit in county.units:
            self.writer.emit(unit.record())
        for officer in county.officers:
            self.writer.emit(officer.record())
        for venue in county.venues:
            self.writer.emit(venue.record())
        self.oversight.personnel(county.officers, self.window_start)
        by_day: dict[int, list[Planned]] = {}
        for item in plan:
            if item.at < self.window_start:
                item.run(self)  # carried over from before the window: long-running cases
            else:
                by_day.setdefault(day_of(item.at), []).append(item)
        per_year = INCIDENTS_PER_COUNTY * self.size
        first_day = day_of(self.window_start)
        last_day = day_of(self.as_of - 1)
        for day in range(first_day, last_day + 1):
            mean = incidents.expected_per_day(day, per_year)
            times = sorted(
                day * DAY + incidents.draw_time_of_day(self.rng)
                for _ in range(incidents.draw_count(self.rng, mean))
            )
            planned = sorted(by_day.pop(day, []), key=lambda p: p.at)
            for t in times:
                while planned and planned[0].at <= t:
                    planned.pop(0).run(self)
                if t < self.as_of:
                    self.clean_incident(t)
            for item in planned:
                item.run(self)
            self._prune(day * DAY)

    def _prune(self, now: int) -> None:
        self.oversight.patrols(day_of(now))
        before = now - DAY
        for officer in self.county.officers:
            officer.prune(before)
        if day_of(now) % 7 == 0:
            self.guard.prune(now)

    # --- building blocks ----------------------------------------------------------------

    def town_and_station(self) -> tuple[names.Town, Unit]:
        towns = self.county.towns
        # Urban stations see more incidents than rural ones.
        weights = [3.0 if t.name.endswith("街道") else 1.0 for t, _ in towns]
        return self.rng.choices(towns, weights=weights)[0]

    def responders(self, unit: Unit) -> list[str]:
        sworn = unit.sworn()
        aux = unit.auxiliaries()
        first = self.rng.choice(sworn)
        if aux and self.rng.random() < 0.7:
            return [first.id, self.rng.choice(aux).id]
        second = self.rng.choice(sworn)
        return [first.id] if second is first else [first.id, second.id]

    def incident(
        self,
        t: int,
        category: str,
        unit: Unit,
        address: str,
        description: str,
        *,
        disposition: str | None,
        dispose_after: int | None,
        dispute_type: str | None = None,
        reporter: tuple[str | None, str | None] | None = None,
        source: str | None = None,
    ) -> Record:
        rng = self.rng
        if reporter is None:
            reporter = incidents.reporter(rng)
        if source is None:
            source = rng.choices(("110", "电话", "窗口", "网络", "其他"), (80, 8, 7, 3, 2))[0]
        arrived = None if source in {"窗口", "网络"} else t + rng.randint(4, 28) * MINUTE
        disposed = None if dispose_after is None else t + dispose_after
        return {
            "type": "incident",
            "id": self.ctx.next_id("J"),
            "received_at": t,
            "source": source,
            "category": category,
            "unit_id": unit.id,
            "officer_ids": self.responders(unit),
            "address": address,
            "description": description,
            "reporter_name": reporter[0],
            "reporter_phone": reporter[1],
            "arrived_at": arrived,
            "disposition": disposition,
            "disposed_at": disposed,
            "dispute_type": dispute_type,
        }

    def emit_incident(self, rec: Record) -> None:
        """Cut at as_of: a disposal not yet done is not recorded."""
        if rec["arrived_at"] is not None and rec["arrived_at"] > self.as_of:
            rec["arrived_at"] = None
        if rec["disposed_at"] is not None and rec["disposed_at"] > self.as_of:
            rec["disposed_at"] = None
            rec["disposition"] = None
        self.writer.emit(rec)
        self.oversight.incident(rec)

    def dispose_delay(self) -> int:
        # JQ-01 allows 24 h; clean incidents are done within 6 h.
        return self.rng.randint(25, 360) * MINUTE

    def clean_incident(self, t: int) -> None:
        rng = self.rng
        x = rng.random()
        if x < incidents.CASE_SHARE:
            cause = incidents.draw_cause(rng)
            self.case_incident(t, cause)
            return
        x = rng.random() * sum(share for _, share in incidents.CATEGORIES)
        category = incidents.CATEGORIES[-1][0]
        for name, share in incidents.CATEGORIES:
            x -= share
            if x <= 0:
                category = name
                break
        if category == "纠纷":
            self.dispute(t)
            return
        town, station = self.town_and_station()
        unit = self.county.brigades["交警大队"] if category == "交通" else station
        address = names.full_address(rng, self.county.name, town)
        text = incidents.other_text(rng, category)
        if category == "其他" and text.startswith(("报警人误拨", "报警人重复")):
            disposition = "无效警情"
        elif category in {"火灾"} or rng.random() < 0.15:
            disposition = "移交"
        else:
            disposition = "现场处置"
        rec = self.incident(
            t,
            category,
            unit,
            address,
            text,
            disposition=disposition,
            dispose_after=self.dispose_delay(),
        )
        if disposition == "无效警情":
            rec["arrived_at"] = None
        self.emit_incident(rec)

    def dispute_address(self, t: int) -> tuple[str, tuple[str, str], Unit]:
        rng = self.rng
        for _ in range(50):
            town, station = self.town_and_station()
            address = names.full_address(rng, self.county.name, town)
            person = incidents.reporter(rng)
            keys = (incidents.building_key(address), person[1])
            if self.guard.allowed(keys, t):
                self.guard.note(keys, t)
                return address, person, station
        raise RuntimeError("no free dispute address")

    def dispute(self, t: int) -> None:
        rng = self.rng
        dispute_type = rng.choices(*zip(*incidents.DISPUTE_WEIGHTS, strict=True))[0]
        address, person, station = self.dispute_address(t)
        disposition = rng.choices(("调解", "现场处置", "移交"), (70, 20, 10))[0]
        rec = self.incident(
            t,
            "纠纷",
            station,
            address,
            incidents.dispute_text(rng, dispute_type),
            disposition=disposition,
            dispose_after=self.dispose_delay(),
            dispute_type=dispute_type,
            reporter=person,
        )
        self.emit_incident(rec)
        self.followups(rec, station)

    def followups(self, rec: Record, station: Unit) -> None:
        rng = self.rng
        if rec["disposed_at"] is None:
            return
        at = rec["disposed_at"]
        sworn = [o for o in station.sworn() if o.role == "民警"] or station.sworn()
        officer: Officer = rng.choice(sworn)
        for n in range(rng.choice((1, 1, 2))):
            at += rng.randint(1, 10) * DAY + rng.randint(0, 8) * HOUR
            if at > self.as_of:
                return
            result = rng.choices(("已化解", "未化解", "无法联系", "有激化风险"), (72, 15, 9, 4))[0]
            note = {
                "已化解": "双方已达成谅解，未再发生矛盾。",
                "未化解": "双方仍有分歧，已告知可通过诉讼途径解决。",
                "无法联系": "电话多次未接通。",
                "有激化风险": "一方情绪仍较大，已通报社区网格员加强关注。",
            }[result]
            self.writer.emit(
                {
                    "type": "followup",
                    "id": f"{rec['id']}-F{n + 1}",
                    "incident_id": rec["id"],
                    "officer_id": officer.id,
                    "at": at,
                    "result": result,
                    "note": note,
                }
            )

    def case_unit(self, cause: incidents.Cause, station: Unit) -> Unit:
        if cause.unit_kind == "派出所":
            return station
        return self.county.brigades[cause.unit_kind]

    def case_incident(self, t: int, cause: incidents.Cause) -> None:
        rng = self.rng
        town, station = self.town_and_station()
        address = names.full_address(rng, self.county.name, town)
        text = incidents.fill_slots(rng, rng.choice(cause.descriptions), {"place": (address,)})
        unit = self.county.brigades["交警大队"] if cause.category == "交通" else station
        transfer = cause.category != "交通" and rng.random() < 0.08
        rec = self.incident(
            t,
            cause.category,
            unit,
            address,
            text,
            disposition="移交" if transfer else "受案",
            dispose_after=self.dispose_delay(),
            source="其他" if cause.cause == "帮助信息网络犯罪活动" else None,
        )
        self.emit_incident(rec)
        if transfer or rec["disposed_at"] is None:
            return
        accepted = rec["disposed_at"] + rng.randint(1, 30) * MINUTE
        work = self.new_case(cause, rec, accepted, town, station)
        if cause.case_kind == "刑事":
            paths.criminal_clean(work)
        else:
            paths.admin_clean(work)
        work.finish()

    def new_case(
        self,
        cause: incidents.Cause,
        incident: Record | None,
        accepted: int,
        town: names.Town,
        station: Unit,
        **kwargs: Any,
    ) -> CaseWork:
        unit = self.case_unit(cause, station)
        return CaseWork(
            self.ctx,
            kind=cause.case_kind,
            cause=cause,
            unit=unit,
            incident=incident,
            accepted_at=accepted,
            town=town,
            **kwargs,
        )
