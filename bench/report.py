"""Summaries over rounds, the printed tables and the JSON results file."""

import json
import os
import platform
import statistics
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.scenarios import Scenario
from bench.wrk import Measurement

RESULTS = Path(__file__).resolve().parent / "results"
FLAT_TOLERANCE = 0.10


@dataclass
class Rounds:
    """One scenario's measurements, each paired with the bare route's from the same round."""

    scenario: Scenario
    runs: list[Measurement] = field(default_factory=list)
    bare_rps: list[float] = field(default_factory=list)
    skipped: str | None = None

    def add(self, measurement: Measurement, bare_rps: float) -> None:
        self.runs.append(measurement)
        self.bare_rps.append(bare_rps)

    def median(self, values: list[float]) -> float | None:
        return statistics.median(values) if values else None

    @property
    def rps(self) -> float | None:
        return self.median([m.rps for m in self.runs])

    @property
    def p50_ms(self) -> float | None:
        return self.median([m.p50_ms for m in self.runs])

    @property
    def p99_ms(self) -> float | None:
        return self.median([m.p99_ms for m in self.runs])

    @property
    def ratio(self) -> float | None:
        """Median over rounds of this round's rate divided by the bare route's."""
        pairs = [m.rps / b for m, b in zip(self.runs, self.bare_rps, strict=True) if b]
        return self.median(pairs)

    @property
    def errors(self) -> int:
        """Socket errors plus any status that is not an expected outcome."""
        expected = self.scenario.expected
        unexpected = sum(
            n for m in self.runs for code, n in m.statuses.items() if code not in expected
        )
        return unexpected + sum(m.socket_errors for m in self.runs)

    @property
    def server_errors(self) -> int:
        return sum(m.server_errors for m in self.runs)

    def outcomes(self) -> str:
        """Status mix for scenarios where several answers are normal (201/200/409)."""
        if len(self.scenario.expected) < 2:
            return ""
        total: dict[int, int] = {}
        for m in self.runs:
            for code, n in m.statuses.items():
                total[code] = total.get(code, 0) + n
        return " ".join(f"{code}:{n}" for code, n in sorted(total.items()))

    def verdict(self) -> str:
        s = self.scenario
        if self.skipped or not self.runs:
            return ""
        notes = []
        if s.target_ratio is not None and self.ratio is not None:
            notes.append(f"{'ok' if self.ratio >= s.target_ratio else 'BELOW'} >={s.target_ratio}x")
        if s.target_p99_ms is not None and self.p99_ms is not None:
            notes.append(
                f"{'ok' if self.p99_ms < s.target_p99_ms else 'ABOVE'} p99<{s.target_p99_ms:g}ms"
            )
        return ", ".join(notes)

    def to_json(self) -> dict:
        return {
            "name": self.scenario.name,
            "title": self.scenario.title,
            "skipped": self.skipped,
            "rps": _round(self.rps, 1),
            "p50_ms": _round(self.p50_ms, 2),
            "p99_ms": _round(self.p99_ms, 2),
            "ratio_to_bare": _round(self.ratio, 3),
            "errors": self.errors,
            "server_errors": self.server_errors,
            "target_ratio": self.scenario.target_ratio,
            "target_p99_ms": self.scenario.target_p99_ms,
            "rounds": [
                {**m.to_json(), "bare_rps": round(b, 1)}
                for m, b in zip(self.runs, self.bare_rps, strict=True)
            ],
        }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _fmt(value: float | None, pattern: str) -> str:
    return "n/a" if value is None else format(value, pattern)


def table(title: str, rows: list[Rounds]) -> str:
    header = (
        f"{'scenario':<36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x bare':>7} "
        f"{'errors':>6} {'5xx':>5}  notes"
    )
    lines = [title, header, "-" * len(header)]
    for r in rows:
        if r.skipped:
            lines.append(
                f"{r.scenario.title:<36} {'n/a':>8} {'':>8} {'':>8} {'':>7} "
                f"{'':>6} {'':>5}  {r.skipped}"
            )
            continue
        notes = "; ".join(x for x in (r.verdict(), r.outcomes()) if x)
        lines.append(
            f"{r.scenario.title:<36} {_fmt(r.rps, '8.0f')} {_fmt(r.p50_ms, '8.2f')} "
            f"{_fmt(r.p99_ms, '8.2f')} {_fmt(r.ratio, '7.3f')} {r.errors:>6} "
            f"{r.server_errors:>5}  {notes}"
        )
    return "\n".join(lines)


def scale_table(by_size: dict[int, list[Rounds]]) -> tuple[str, dict]:
    """Ratio to bare per article scenario and archive size, and the flat-with-size check."""
    sizes = sorted(by_size)
    names = [r.scenario for r in by_size[sizes[0]] if r.scenario.server == "site"]
    header = f"{'scenario':<36} " + " ".join(f"{f'{n:,} art.':>12}" for n in sizes) + "  flat?"
    lines = ["ratio to bare by archive size", header, "-" * len(header)]
    checks: dict = {}
    for scenario in names:
        ratios = []
        for size in sizes:
            match = next(r for r in by_size[size] if r.scenario.name == scenario.name)
            ratios.append(match.ratio)
        verdict = ""
        first, last = ratios[0], ratios[-1]
        if first and last and len(sizes) > 1:
            change = last / first - 1
            flat = abs(change) <= FLAT_TOLERANCE
            verdict = f"{change:+.1%} {'ok' if flat else 'NOT FLAT'}"
            checks[scenario.name] = {"change": round(change, 4), "flat": flat}
        cells = " ".join(f"{_fmt(x, '12.3f')}" for x in ratios)
        lines.append(f"{scenario.title:<36} {cells}  {verdict}")
    return "\n".join(lines), checks


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        wrk_version = subprocess.run(
            ["wrk", "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout.splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        wrk_version = ""
    return {
        "host": platform.node(),
        "cpu": model,
        "cores": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "wrk": wrk_version,
    }


def save(document: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path
