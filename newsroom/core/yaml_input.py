"""YAML from editors' files, read the same careful way for articles and job listings: a size
limit, UTF-8 only, no aliases, bounded nesting, and each problem named by file and field."""

from dataclasses import dataclass
from pathlib import Path

import yaml

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 20
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
DATE_PROBLEM = "not an ISO 8601 date and time between the years 1900 and 2999"


class FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so an impossible date is reported by its field
    (PyYAML would raise a bare ValueError while loading) and parsed by one rule. It refuses
    aliases, which let a few hundred bytes stand for gigabytes once the values are used, and
    nesting deeper than MAX_DEPTH, which would exhaust the recursion of PyYAML's composer."""

    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", mark)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                message = f"nested deeper than {MAX_DEPTH} levels"
                raise yaml.composer.ComposerError(None, None, message, mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str):
    return yaml.load(text, Loader=FrontMatterLoader)


def yaml_problem(exc: yaml.YAMLError, first_line: int = 1) -> str:
    """ "not valid YAML (line N): what" for a loader error, without PyYAML's excerpt."""
    mark = getattr(exc, "problem_mark", None)
    where = f" (line {mark.line + first_line})" if mark is not None else ""
    problem = getattr(exc, "problem", None)
    return f"not valid YAML{where}" + (f": {problem}" if problem else "")


@dataclass(frozen=True)
class Problem:
    path: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


def read_file(path: Path) -> str | Problem:
    """The file's text, or the Problem that kept it from being read."""
    name = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return Problem(name, "file", "larger than 1 MB")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Problem(name, "file", "not found")
    except UnicodeDecodeError:
        return Problem(name, "file", "not UTF-8 text")
    except OSError as exc:
        return Problem(name, "file", exc.strerror or "cannot be read")
