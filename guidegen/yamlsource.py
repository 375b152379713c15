"""Safe YAML loading that remembers where every value came from.

PyYAML's C composer builds a node graph with line/column marks; we construct plain Python
values from it ourselves so that we can

* refuse anything but the standard YAML tags (no Python objects, no custom tags),
* report duplicate keys instead of silently keeping the last one,
* refuse alias-expansion bombs before anything walks the expanded tree,
* keep the location of every key and list item (``LocDict.locs`` / ``LocList.locs``) so that
  schema errors, template errors and lint warnings can name file, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Location, Problem, UserError, fail

MAX_BYTES = 5 * 1024 * 1024
MAX_EXPANDED_NODES = 2_000_000
MAX_DEPTH = 100

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


class LocDict(dict):
    """A dict that knows the location of itself (``loc``) and of each key (``locs``)."""

    __slots__ = ("loc", "locs")

    def __init__(self, *args: Any, loc: Location | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loc = loc
        self.locs: dict[Any, Location] = {}


class LocList(list):
    """A list that knows the location of itself (``loc``) and of each item (``locs``)."""

    __slots__ = ("loc", "locs")

    def __init__(self, *args: Any, loc: Location | None = None) -> None:
        super().__init__(*args)
        self.loc = loc
        self.locs: list[Location | None] = []


@dataclass(frozen=True)
class YamlDocument:
    """A loaded YAML file: its values (LocDict/LocList/scalars) and its source text."""

    path: str
    data: Any
    text: str


def read_text(path: str | Path, display: str | None = None, max_bytes: int = MAX_BYTES) -> str:
    """Read a UTF-8 text file, refusing oversized and undecodable files with a clear reason."""
    name = display or str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise fail(
                name,
                "file is too large to be a blueprint or project file",
                expected=f"at most {max_bytes:,} bytes",
                given=f"{size:,} bytes",
            )
        raw = p.read_bytes()
    except OSError as exc:
        raise fail(name, f"cannot read file: {exc.strerror or exc}") from None
    return decode_utf8(raw, name)


def decode_utf8(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError.single(
            Location(name, line),
            "file is not valid UTF-8",
            expected="UTF-8 text",
            given=f"byte 0x{raw[exc.start]:02x} at offset {exc.start}",
            hint="save the file as UTF-8 (most editors offer this under 'Save with encoding')",
        ) from None
    return text.removeprefix("\ufeff")


def load_yaml_file(path: str | Path, display: str | None = None) -> YamlDocument:
    """Load one YAML file safely; raise UserError with file/line on any problem."""
    name = display or str(path)
    text = read_text(path, name)
    return YamlDocument(name, load_yaml_text(text, name), text)


def load_yaml_text(text: str, name: str) -> Any:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        message = "invalid YAML: " + " ".join(filter(None, [exc.context, exc.problem]))
        raise UserError.single(loc, message) from None
    except yaml.YAMLError as exc:
        raise fail(name, f"invalid YAML: {exc}") from None
    if node is None:
        raise fail(name, "the file is empty", expected="a YAML mapping")
    builder = _Builder(name)
    value = builder.build(node)
    if builder.problems:
        raise UserError(builder.problems)
    return value


class _Builder:
    """Turns a PyYAML node graph into LocDict/LocList values, collecting problems."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self._constructor = yaml.constructor.SafeConstructor()
        self._built: dict[int, Any] = {}
        self._sizes: dict[int, int] = {}

    def loc(self, node: yaml.Node, path: tuple[Any, ...] = ()) -> Location:
        m = node.start_mark
        return Location(self.name, m.line + 1, m.column + 1, format_path(path) if path else None)

    def build(self, root: yaml.Node) -> Any:
        size = self._expanded_size(root, 0)
        if size > MAX_EXPANDED_NODES:
            raise UserError.single(
                self.loc(root),
                "the document expands to too many values (alias/anchor bomb?)",
                expected=f"at most {MAX_EXPANDED_NODES:,} values after expanding aliases",
                given=f"more than {MAX_EXPANDED_NODES:,} values",
            )
        return self._value(root, ())

    def _expanded_size(self, node: yaml.Node, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise UserError.single(
                self.loc(node),
                "the document is nested too deeply",
                expected=f"at most {MAX_DEPTH} levels",
                given=f"more than {MAX_DEPTH} levels",
            )
        key = id(node)
        if key in self._sizes:
            return self._sizes[key]
        self._sizes[key] = 1  # guards against recursive aliases
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                total += self._expanded_size(child, depth + 1)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += self._expanded_size(k, depth + 1) + self._expanded_size(v, depth + 1)
        # Saturate so that a bomb stops growing the count (and the time to count it).
        self._sizes[key] = min(total, MAX_EXPANDED_NODES + 1)
        return self._sizes[key]

    def _value(self, node: yaml.Node, path: tuple[Any, ...]) -> Any:
        key = id(node)
        if key in self._built:
            return self._built[key]
        if isinstance(node, yaml.ScalarNode):
            value = self._scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = self._sequence(node, path)
        else:
            value = self._mapping(node, path)
        self._built[key] = value
        return value

    def _check_tag(self, node: yaml.Node, allowed: set[str] | str) -> bool:
        allowed = {allowed} if isinstance(allowed, str) else allowed
        if node.tag in allowed:
            return True
        self.problems.append(
            Problem(
                self.loc(node),
                f"YAML tag '{node.tag}' is not allowed",
                expected="plain YAML values (text, numbers, true/false, dates, lists, mappings)",
                given=node.tag,
                hint="guidegen never constructs objects from tags; remove the tag",
            )
        )
        return False

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if not self._check_tag(node, _SCALAR_TAGS):
            return node.value
        try:
            return self._constructor.construct_object(node)
        except (yaml.YAMLError, ValueError) as exc:
            self.problems.append(Problem(self.loc(node), f"invalid value: {exc}", given=node.value))
            return node.value

    def _sequence(self, node: yaml.SequenceNode, path: tuple[Any, ...]) -> LocList:
        self._check_tag(node, _SEQ_TAG)
        result = LocList(loc=self.loc(node, path))
        for index, child in enumerate(node.value):
            result.append(self._value(child, path + (index,)))
            result.locs.append(self.loc(child, path + (index,)))
        return result

    def _mapping(self, node: yaml.MappingNode, path: tuple[Any, ...]) -> LocDict:
        self._check_tag(node, _MAP_TAG)
        result = LocDict(loc=self.loc(node, path))
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    Problem(self.loc(key_node), "a mapping key must be plain text", expected="text", given="a list or mapping")
                )
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(
                    Problem(
                        self.loc(key_node),
                        "merge keys ('<<') are not supported",
                        hint="share content with 'include:' fragments instead",
                    )
                )
                continue
            key = self._scalar(key_node)
            if key in result:
                first = result.locs[key]
                self.problems.append(
                    Problem(
                        self.loc(key_node),
                        f"duplicate key '{key}'",
                        expected="each key once per mapping",
                        given=f"'{key}' again (first at line {first.line})",
                        hint="most YAML readers silently keep the last value; remove or rename one",
                    )
                )
                continue
            result[key] = self._value(value_node, path + (key,))
            result.locs[key] = self.loc(key_node, path + (key,))
        return result


def describe_value(value: Any) -> str:
    """'a list', 'a mapping', 'a text'... for messages."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a text"
    if value is None:
        return "nothing (null)"
    return f"a {type(value).__name__}"


def locate(root: Any, path: tuple[Any, ...]) -> Location | None:
    """The most precise location known for ``path`` inside a loaded (possibly merged) document.

    Its key path is the one in the file the value came from (a merged list may number an item
    differently), followed by whatever part of ``path`` has no value of its own (a missing key).
    """
    best: Location | None = getattr(root, "loc", None)
    found = 0
    node = root
    for depth, part in enumerate(path, 1):
        if isinstance(node, LocDict) and part in node:
            best, found = node.locs.get(part, best), depth
            node = node[part]
        elif isinstance(node, LocList) and isinstance(part, int) and 0 <= part < len(node):
            best, found = (node.locs[part] or best), depth
            node = node[part]
        else:
            break
    if best is None:
        return None
    own = best.path if best.path is not None and found else None
    rest = format_path(path[found:])
    if own is None:
        return best.with_path(format_path(path))
    joined = own + ("" if not rest else (rest if rest.startswith("[") else "." + rest))
    return best.with_path(joined)


def format_path(path: tuple[Any, ...]) -> str:
    """('overview', 'goals', 2, 'kpi') -> 'overview.goals[2].kpi'"""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text
