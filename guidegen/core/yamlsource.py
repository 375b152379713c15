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

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from guidegen.core import budget as _budget
from guidegen.core.errors import Location, Problem, UserError, fail, over_budget

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
    """A dict that knows its location (``loc``), each key's (``locs``) and its key path in its
    own file (``path``) — which a merged document may no longer reflect."""

    __slots__ = ("loc", "locs", "path")

    def __init__(self, *args: Any, loc: Location | None = None, path: tuple[Any, ...] = ()) -> None:
        super().__init__(*args)
        self.loc = loc
        self.locs: dict[Any, Location] = {}
        self.path = path


class LocList(list):
    """A list that knows its location (``loc``), each item's (``locs``) and its key path."""

    __slots__ = ("loc", "locs", "path")

    def __init__(self, *args: Any, loc: Location | None = None, path: tuple[Any, ...] = ()) -> None:
        super().__init__(*args)
        self.loc = loc
        self.locs: list[Location | None] = []
        self.path = path


@dataclass(frozen=True)
class YamlDocument:
    """A loaded YAML file: its values (LocDict/LocList/scalars) and its source text."""

    path: str
    data: Any
    text: str


def read_text(path: str | Path, display: str | None = None, max_bytes: int | None = None) -> str:
    """Read a UTF-8 text file, refusing oversized, non-regular and undecodable files with a clear
    reason (bytes are counted while reading; see guidegen.budget)."""
    name = display or str(path)
    try:
        raw = _budget.read_regular_file(path, max_bytes)
    except _budget.BudgetExceeded as exc:
        if exc.what == "bytes in one file":
            exc.what = "bytes in one file (too large to be a blueprint or project file)"
            exc.hint = exc.hint or _budget._RAISE_HINT["bytes in one file"]
        raise over_budget(Location(name), exc) from None
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


def load_yaml_file(path: str | Path, display: str | None = None, located: bool = True) -> YamlDocument:
    """Load one YAML file safely; raise UserError with file/line on any problem. With
    ``located=False`` see :func:`load_yaml_text`."""
    name = display or str(path)
    text = read_text(path, name)
    return YamlDocument(name, load_yaml_text(text, name, located), text)


def load_yaml_text(text: str, name: str, located: bool = True) -> Any:
    """Parse one YAML document into LocDict/LocList values; UserError on any problem.

    With ``located=False`` a plain document (no tags, anchors, aliases or merge keys, each key
    once) is built without locations: its values keep their shape, but every ``loc`` and
    ``locs`` entry is None and every ``path`` empty. That takes half the time, for callers that
    parse the document again when a problem needs locating (see
    guidegen.blueprint.loader). Any other document, and every problem, takes the located
    route, so the values and the errors are always the same."""
    if not located:
        try:
            return _Builder(name).build_unlocated(text)
        except (_NeedsLocations, yaml.YAMLError):
            pass  # reported, located, below
    builder = _Builder(name)
    try:
        value = builder.build(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        message = "invalid YAML: " + " ".join(filter(None, [exc.context, exc.problem]))
        lines = [m.line for m in (exc.problem_mark, exc.context_mark) if m is not None]
        raise UserError.single(loc, message, hint=syntax_hint(text, lines)) from None
    except yaml.YAMLError as exc:
        raise fail(name, f"invalid YAML: {exc}") from None
    if builder.problems:
        raise UserError(builder.problems)
    if builder.empty:
        raise fail(name, "the file is empty", expected="a YAML mapping")
    return value


def syntax_hint(text: str, lines: list[int]) -> str | None:
    """How to fix the usual causes of a YAML syntax error on the lines the parser names (0-based):
    an unquoted value with '{{', with ': ', or with an ASCII comma inside {zh: ..., en: ...}."""
    source = text.split("\n")
    for number in sorted(set(lines)):
        for line in source[max(number - 1, 0): number + 1]:
            value = line.split(": ", 1)[1] if ": " in line else line
            stripped = value.strip().lstrip("- ")
            if "{{" in line and not stripped.startswith(("'", '"', "{zh", "{en", "{ zh", "{ en")):
                return "quote a value that contains '{{ placeholders }}', e.g. title: \"{{ crm }} guide\" (unquoted, " \
                       "'{' starts a YAML mapping)"
            if re.search(r"\{\s*(zh|en)\s*:", line) and line.count(",") > 1:
                return "an ASCII comma inside {zh: ..., en: ...} ends the text: quote each text, e.g. " \
                       "{zh: \"甲，乙\", en: \"A, B\"}, or use a Chinese comma '，'"
            if re.match(r"^[^'\"#]*:\s", stripped) and not stripped.startswith(("'", '"', "{", "[")):
                return "quote a value that contains ': ' (a colon and a space), e.g. note: \"Step 1: export\""
    return None


# Plain scalars starting with one of these may be numbers, booleans, null or dates; every other
# plain scalar is text, which spares PyYAML's (slow) implicit resolver for most values.
_MAYBE_TYPED = frozenset("0123456789+-.~yYnNtTfFoO=<")
# The only plain scalars beginning with a letter that are not text (PyYAML's YAML 1.1 bool and
# null resolvers).
_TYPED_WORDS = frozenset((
    "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
    "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL"))
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


class _Frame:
    """A mapping or sequence under construction."""

    __slots__ = ("value", "key", "key_loc", "size", "anchor")

    def __init__(self, value: Any, anchor: str | None) -> None:
        self.value = value
        self.key: Any = _NO_KEY
        self.key_loc: Location | None = None
        self.size = 1
        self.anchor = anchor


_NO_KEY = object()
_REFUSED = object()


class _NeedsLocations(Exception):
    """Raised by the unlocated build at anything the located build treats specially (a tag,
    an anchor or alias, a merge key, a repeated key, a problem, a budget reached)."""


def _needs_locations(event: Any) -> Exception:
    return _NeedsLocations()


def _events(next_event: Callable[[], Any], limit: int, beyond: Callable[[Any], Exception]) -> Iterator[Any]:
    """The parser's events up to the end of the stream; ``beyond(event)`` is raised at the first
    event past ``limit`` (after the stream's start)."""
    count = -1
    stream_end = yaml.StreamEndEvent
    while True:
        event = next_event()
        if event is None or type(event) is stream_end:
            return
        count += 1
        if count > limit:
            raise beyond(event)
        yield event


class _Builder:
    """Builds LocDict/LocList values straight from the parser's events (no node graph):
    standard tags only, duplicate keys refused; events, alias expansion and depth counted
    against the budget (guidegen.budget) as the parser produces them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.empty = True
        limits = _budget.current()
        self._max_depth = limits.yaml_depth
        self._max_expanded = limits.alias_expansion
        self._max_events = limits.yaml_events
        self._constructor = yaml.constructor.SafeConstructor()
        self._resolver = yaml.resolver.Resolver()
        self._anchors: dict[str, tuple[Any, int]] = {}
        self._expanded = 0
        self._plain: dict[str, Any] = {}  # plain scalar -> its value, for values that cannot change

    def loc(self, mark: Any) -> Location:
        return Location(self.name, mark.line + 1, mark.column + 1)

    def build(self, text: str) -> Any:
        """The value of the one YAML document in ``text``, its events pulled straight from the
        (C) parser."""
        loader = _Loader(text)
        try:
            return self._build(loader.get_event)
        finally:
            loader.dispose()

    def build_unlocated(self, text: str) -> Any:
        """The value of a plain YAML document without locations (see load_yaml_text); raises
        _NeedsLocations where the located build could report a problem or differ."""
        loader = _Loader(text)
        try:
            value = self._build_unlocated(loader.get_event)
        finally:
            loader.dispose()
        if self.problems or self.empty:
            raise _NeedsLocations
        return value

    def _build_unlocated(self, next_event: Callable[[], Any]) -> Any:
        # The located loop of _build without marks, frames or key paths: containers and their
        # pending keys on two stacks.
        containers: list[Any] = []
        keys: list[Any] = []
        root: Any = None
        documents = 0
        new_dict, new_list = dict.__new__, list.__new__
        scalar_event, no_key, maybe_typed, plain = (
            yaml.ScalarEvent, _NO_KEY, _MAYBE_TYPED, self._plain)
        mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
        max_depth = self._max_depth
        for event in _events(next_event, min(self._max_events, self._max_expanded), _needs_locations):
            kind = type(event)
            if kind is scalar_event:
                if event.anchor is not None or event.tag is not None:
                    raise _NeedsLocations
                text = event.value
                if not event.implicit[0] or (text and text[0] not in maybe_typed):
                    value = text
                elif text in plain:
                    value = plain[text]
                else:
                    value = self._scalar(event)
            elif kind is mapping_start or kind is sequence_start:
                if event.anchor is not None or event.tag is not None or len(containers) >= max_depth:
                    raise _NeedsLocations
                if kind is mapping_start:
                    value = new_dict(LocDict)
                    value.locs = {}
                else:
                    value = new_list(LocList)
                    value.locs = []
                value.loc, value.path = None, ()
                if containers and keys[-1] is no_key and type(containers[-1]) is LocDict:
                    raise _NeedsLocations  # a mapping or list as a key
                containers.append(value)
                keys.append(no_key)
                continue
            elif kind is mapping_end or kind is sequence_end:
                keys.pop()
                value = containers.pop()
                self.empty = False
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _NeedsLocations
                continue
            elif kind is yaml.AliasEvent:
                raise _NeedsLocations
            else:
                continue
            if not containers:
                root = value
                self.empty = self.empty and value is None and text == ""
                continue
            container = containers[-1]
            if type(container) is LocList:
                container.append(value)
                container.locs.append(None)
                continue
            key = keys[-1]
            if key is no_key:
                if type(value) is not str or (value == "<<" and event.implicit[0]):
                    raise _NeedsLocations
                keys[-1] = value
            elif key in container:
                raise _NeedsLocations
            else:
                container[key] = value
                container.locs[key] = None
                keys[-1] = no_key
        return root

    def _build(self, next_event: Callable[[], Any]) -> Any:
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        name = self.name
        max_expanded = self._max_expanded
        # Names used for every event, bound locally; a Location made without the named tuple's
        # Python-level __new__, and only where it is kept (a mapping value takes its key's).
        new_location, scalar_event, no_key, maybe_typed, plain = (
            tuple.__new__, yaml.ScalarEvent, _NO_KEY, _MAYBE_TYPED, self._plain)
        for event in _events(next_event, self._max_events, self._too_many_events):
            kind = type(event)
            if kind is scalar_event:
                text, untagged = event.value, event.tag is None
                if untagged and (not event.implicit[0] or (text and text[0] not in maybe_typed)):
                    value = text  # plainly a string (see _scalar)
                elif untagged and text in plain:  # a plain scalar seen before (a key, true...)
                    value = plain[text]
                else:
                    value = self._scalar(event)
                if event.anchor:
                    self._anchors[event.anchor] = (value, 1)
                if not stack:
                    root, self.empty = value, value is None and text == ""
                    continue
                frame = stack[-1]
                container = frame.value
                key = frame.key
                # The common cases inline (what _add does for them); everything else through _add.
                if type(container) is LocList:
                    mark = event.start_mark
                    container.append(value)
                    container.locs.append(new_location(Location, (name, mark.line + 1, mark.column + 1, None, None)))
                elif key is no_key and type(value) is str and (text != "<<" or not untagged or not event.implicit[0]):
                    mark = event.start_mark
                    frame.key = value
                    frame.key_loc = new_location(Location, (name, mark.line + 1, mark.column + 1, None, None))
                elif type(key) is str and frame.key_loc is not None and key not in container:
                    frame.key = no_key
                    container[key] = value
                    container.locs[key] = frame.key_loc
                else:
                    self._add(stack, value, self.loc(event.start_mark), 1, event)
                    continue
                frame.size += 1
                self._expanded += 1
                if self._expanded > max_expanded:
                    raise self._too_expanded(self.loc(event.start_mark))
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if len(stack) >= self._max_depth:
                    raise UserError.single(self.loc(event.start_mark), "the document is nested too deeply",
                                           expected=f"at most {self._max_depth} levels",
                                           given=f"more than {self._max_depth} levels")
                mapping = kind is yaml.MappingStartEvent
                if event.tag is not None:
                    self._check_tag(event, _MAP_TAG if mapping else _SEQ_TAG)
                if stack:  # the key path in its own file
                    parent = stack[-1]
                    above = parent.value
                    if type(above) is LocList:
                        path = above.path + (len(above),)
                    else:
                        path = above.path + ((parent.key,) if parent.key is not no_key else ())
                else:
                    path = ()
                mark = event.start_mark
                container = (LocDict if mapping else LocList)(
                    loc=new_location(Location, (name, mark.line + 1, mark.column + 1, None, None)), path=path)
                stack.append(_Frame(container, event.anchor))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                value = frame.value
                if frame.anchor:
                    self._anchors[frame.anchor] = (value, frame.size)
                if not stack:
                    root, self.empty = value, False
                    continue
                parent = stack[-1]
                container = parent.value
                key = parent.key
                # As for scalars, the common cases inline: a list item, or the value of a text key
                # (whose path the value took from that key when it began).
                if type(container) is LocList:
                    container.append(value)
                    container.locs.append(value.loc)
                elif type(key) is str and parent.key_loc is not None and key not in container:
                    parent.key = no_key
                    container[key] = value
                    container.locs[key] = parent.key_loc
                else:
                    self._add(stack, value, value.loc, frame.size, None)
                    continue
                self._count(parent, value.loc, frame.size)
            elif kind is yaml.AliasEvent:
                if event.anchor not in self._anchors:
                    raise UserError.single(self.loc(event.start_mark), f"invalid YAML: unknown alias '{event.anchor}'")
                value, size = self._anchors[event.anchor]
                if stack:
                    self._add(stack, value, self.loc(event.start_mark), size, None)
                else:
                    root, self.empty = value, False
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise UserError.single(self.loc(event.start_mark), "invalid YAML: expected a single document in the "
                                           "stream but found another document")
        return root

    def _too_many_events(self, event: Any) -> UserError:
        limit = self._max_events
        return over_budget(self.loc(event.start_mark), _budget.BudgetExceeded(
            "YAML events (values, lists, mappings) in one file", limit, f"more than {limit:,}"))

    def _count(self, frame: _Frame, loc: Location, size: int) -> None:
        """Count a value added to ``frame`` against the alias-expansion budget."""
        frame.size += size
        self._expanded += size
        if self._expanded > self._max_expanded:
            raise self._too_expanded(loc)

    def _too_expanded(self, loc: Location) -> UserError:
        return UserError.single(loc, "the document expands to too many values (alias/anchor bomb?)",
                                expected=f"at most {self._max_expanded:,} values after expanding aliases",
                                given=f"more than {self._max_expanded:,} values")

    def _add(self, stack: list[_Frame], value: Any, loc: Location, size: int, event: Any) -> Any:
        frame = stack[-1]
        self._count(frame, loc, size)
        container = frame.value
        if isinstance(container, LocList):
            container.append(value)
            container.locs.append(loc)
            return container
        if frame.key is _NO_KEY:  # this value is a key
            if event is None:
                self.problems.append(Problem(loc, "a mapping key must be plain text", expected="text", given="a list or mapping"))
                frame.key, frame.key_loc = _REFUSED, loc
            elif event.tag is None and event.implicit[0] and event.value == "<<":
                self.problems.append(Problem(loc, "merge keys ('<<') are not supported",
                                             hint="share content with 'include:' fragments instead"))
                frame.key, frame.key_loc = _REFUSED, loc
            else:
                frame.key, frame.key_loc = value, loc
            return container
        key, key_loc = frame.key, frame.key_loc
        frame.key = _NO_KEY
        if key is _REFUSED:
            return container  # its problem is already reported
        try:
            duplicate = key in container
        except TypeError:
            self.problems.append(Problem(loc, "a mapping key must be plain text", expected="text"))
            return container
        if duplicate:
            first = container.locs[key]
            self.problems.append(Problem(key_loc or loc, f"duplicate key '{key}'", expected="each key once per mapping",
                                         given=f"'{key}' again (first at line {first.line})",
                                         hint="most YAML readers silently keep the last value; remove or rename one"))
            return container
        container[key] = value
        container.locs[key] = key_loc or loc
        if isinstance(value, (LocDict, LocList)) and value.path != container.path + (key,):
            value.path = container.path + (key,)  # the key was not known when the value began
        return container

    def _check_tag(self, event: Any, allowed: set[str] | str) -> bool:
        tag = event.tag
        if tag is None or tag == "!":
            return True
        allowed = {allowed} if isinstance(allowed, str) else allowed
        if tag in allowed:
            return True
        self.problems.append(Problem(
            self.loc(event.start_mark), f"YAML tag '{tag}' is not allowed",
            expected="plain YAML values (text, numbers, true/false, dates, lists, mappings)", given=tag,
            hint="guidegen never constructs objects from tags; remove the tag"))
        return False

    def _scalar(self, event: Any) -> Any:
        if event.tag not in (None, "!"):
            if not self._check_tag(event, _SCALAR_TAGS):
                return event.value
            tag = event.tag
        elif not event.implicit[0] or (event.value and event.value[0] not in _MAYBE_TYPED):
            return event.value  # quoted, block or plainly textual: a string
        elif event.value[:1].isalpha() and event.value not in _TYPED_WORDS:
            return event.value  # a word that is neither true/false nor null
        else:
            tag = self._resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag == _STR:
                self._plain[event.value] = event.value
        if tag == _STR:
            return event.value
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            value = self._constructor.construct_object(node)
            if event.tag is None and (value is None or type(value) in (bool, int)):
                self._plain[event.value] = value  # immutable: shared by every later occurrence
            return WrittenFloat(value, event.value) if type(value) is float else value
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self.problems.append(Problem(self.loc(event.start_mark), f"invalid value: {exc}", given=event.value))
            return event.value


class WrittenFloat(float):
    """A float that remembers how it was written: ``version: 1.10`` is the number 1.1, but a
    version field wants the text "1.10"."""

    written: str

    def __new__(cls, value: float, written: str) -> "WrittenFloat":
        number = super().__new__(cls, value)
        number.written = written
        return number

    def __reduce__(self) -> tuple[type, tuple[float, str]]:
        # Pickling (the parsed-blueprint cache) must rebuild it with its written form.
        return (WrittenFloat, (float(self), self.written))


def as_written(value: Any) -> str:
    """A scalar's text as it stands in the file (numbers keep their trailing zeros)."""
    return getattr(value, "written", None) or str(value)


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
    own: tuple[Any, ...] = getattr(root, "path", ())
    found = 0
    node = root
    for depth, part in enumerate(path, 1):
        if isinstance(node, LocDict) and part in node:
            best, own, node = node.locs.get(part, best), node.path + (part,), node[part]
        elif isinstance(node, LocList) and isinstance(part, int) and 0 <= part < len(node):
            best, own, node = (node.locs[part] or best), node.path + (part,), node[part]
        else:
            break
        if isinstance(node, (LocDict, LocList)):
            own = node.path
        found = depth
    if best is None:
        return None
    rest = format_path(path[found:])
    joined = format_path(own) + ("" if not rest else (rest if rest.startswith("[") or not own else "." + rest))
    return best.with_path(joined or format_path(path))


def format_path(path: tuple[Any, ...]) -> str:
    """('overview', 'goals', 2, 'kpi') -> 'overview.goals[2].kpi'"""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text
