"""Property tests: loaders and writers hold up under any input hypothesis can think of."""

from __future__ import annotations

import copy
import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_cli
from guidegen.core import i18n
from guidegen.core.errors import UserError
from guidegen.document.chapters.data import shown_field
from guidegen.guide.model import FieldMapping
from guidegen.resolve.templating import clean_text
from guidegen.writers import WriterOptions, get_writer
from guidegen.core.yamlsource import load_yaml_text
from readback import docx_tables, md_tables, plain, xlsx_index, xlsx_workbook

MINIMAL = yaml.safe_load((ROOT / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8"))
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
# YAML itself reads NEL, LS and PS as line breaks: a YAML writer cannot keep them in plain values.
YAML_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x85\u2028\u2029"),
                    max_size=40)
PLAIN = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="\u2028\u2029\x85"),
                min_size=1, max_size=30).map(str.strip).filter(bool)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False), YAML_TEXT)
DATA = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(PLAIN, children, max_size=4)), max_leaves=20)


def _minimal_guide():
    from guidegen.blueprint.loader import load_blueprint
    from guidegen.resolve.engagement import Engagement
    from guidegen.resolve.resolver import resolve_guide

    loaded = load_blueprint(ROOT / "tests" / "data" / "minimal.yaml")
    return resolve_guide(loaded, Engagement(lang="en", date="2026-11-25")).guide



@settings(max_examples=150, deadline=None)
@given(DATA.filter(lambda d: d is not None))
def test_loader_reads_back_whatever_a_yaml_writer_wrote(data) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        loaded = load_yaml_text(text, "gen.yaml")
    except UserError as exc:  # e.g. a mapping with keys that only differ after YAML's typing
        assert exc.problems
        return
    assert plain(loaded) == data


# Unquoted scalars that YAML 1.1 may read as booleans, null or numbers, and words that it reads as text.
_TYPED = ("yes", "No", "TRUE", "false", "On", "OFF", "null", "Null", "~", "0", "-3", "0x1F", "1_000", "1.50", ".inf", "2026-11-25")
PLAIN_SCALARS = st.one_of(st.sampled_from(_TYPED), st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True),
                          st.from_regex(r"[0-9+.-][0-9a-z.:-]{0,10}", fullmatch=True))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(PLAIN_SCALARS, PLAIN_SCALARS), min_size=1, max_size=12))
def test_unquoted_scalars_read_as_pyyaml_reads_them_however_often_they_repeat(pairs) -> None:
    """Keys and values written without quotes, each perhaps several times (the loader reuses what
    it resolved once): the same values as PyYAML's safe loader."""
    lines = [f"- {{{key}: {value}}}\n- {value}\n- [{key}, {value}]" for key, value in pairs]
    text = "\n".join(lines + lines) + "\n"
    try:
        expected = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, OverflowError):
        return  # not a YAML document this test is about
    try:
        loaded = load_yaml_text(text, "gen.yaml")
    except UserError as exc:  # a value PyYAML reads but the loader refuses (e.g. a key that is not text)
        assert exc.problems
        return
    assert plain(loaded) == expected


def _same_places(value, node, path: tuple = ()) -> None:
    """Every container, key and list item is where PyYAML's own composer puts it."""
    def at(mark) -> tuple[int, int]:
        return mark.line + 1, mark.column + 1

    if isinstance(node, yaml.MappingNode):
        assert (value.loc.line, value.loc.column) == at(node.start_mark) and value.path == path
        for key_node, item_node in node.value:
            key = load_yaml_text(yaml.serialize(key_node), "k.yaml")
            assert (value.locs[key].line, value.locs[key].column) == at(key_node.start_mark)
            _same_places(value[key], item_node, path + (key,))
    elif isinstance(node, yaml.SequenceNode):
        assert (value.loc.line, value.loc.column) == at(node.start_mark) and value.path == path
        for index, item_node in enumerate(node.value):
            assert (value.locs[index].line, value.locs[index].column) == at(item_node.start_mark)
            _same_places(value[index], item_node, path + (index,))


@settings(max_examples=150, deadline=None)
@given(DATA.filter(lambda d: isinstance(d, (dict, list)) and d), st.sampled_from([False, None, True]))
def test_the_loader_locates_every_key_and_item_where_the_yaml_composer_does(data, flow) -> None:
    """Block, flow and mixed styles: each location the loader keeps is the one PyYAML's composer
    gives the same node (line and column, 1-based), and each container knows its key path."""
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow)
    try:
        loaded = load_yaml_text(text, "gen.yaml")
    except UserError:  # keys equal after YAML's typing: refused, as the test above checks
        return
    _same_places(loaded, yaml.compose(text, Loader=yaml.SafeLoader))


def _typed(value):
    """A loaded value with every scalar's type (and a number's written form) made visible."""
    if isinstance(value, dict):
        return ("map", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", [_typed(v) for v in value])
    return (type(value).__name__, value, getattr(value, "written", None))


def _both_ways(text: str):
    """The located and the unlocated load of ``text``: the same values, or the same error."""
    results = []
    for located in (True, False):
        try:
            results.append(_typed(load_yaml_text(text, "gen.yaml", located)))
        except UserError as exc:
            results.append(str(exc))
    return results


_ODD = st.sampled_from(["&a x", "*a", "!!str 1", "!x y", "{<<: {a: 1}}", "1.50", "2026-11-25", "~", "''", "'q'",
                        "[1, {a: b}]", "{a: 1, a: 2}", "{[1]: x}", "{1: x}", "!!binary aGk=", "0x1F", "yes"])


@settings(max_examples=150, deadline=None)
@given(DATA, st.sampled_from([False, None, True]))
def test_the_unlocated_load_reads_what_the_located_load_reads(data, flow) -> None:
    located, unlocated = _both_ways(yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow))
    assert unlocated == located


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.one_of(PLAIN_SCALARS, _ODD), st.one_of(PLAIN_SCALARS, _ODD)), min_size=1, max_size=6))
def test_the_unlocated_load_refers_anchors_tags_and_repeated_keys_to_the_located_load(pairs) -> None:
    """What the fast route cannot take (anchors, aliases, tags, merge and repeated keys, keys
    that are not text) gives the located route's value or error, never another one."""
    text = "\n".join(f"- {{{key}: {value}}}\n- {value}\n- k{i}: {key}" for i, (key, value) in enumerate(pairs)) + "\n"
    located, unlocated = _both_ways(text)
    assert unlocated == located


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_loader_never_crashes_on_garbage_and_locates_what_it_refuses(raw: bytes) -> None:
    """Crash test: any bytes either load or raise a UserError that names the file."""
    try:
        load_yaml_text(raw.decode("utf-8", errors="replace"), "garbage.yaml")
    except UserError as exc:
        assert "garbage.yaml" in str(exc)


POOL = st.sampled_from([None, 42, 1.5, True, "x", "", [], {}, ["a"], {"zh": 1}, {"fr": "x"}, "{{ nope }}",
                        "{{ software.__class__ }}", "\x07bell", "=SUM(A1)", "../../x", "high", "G9", "not-a-type"])


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, prefix + (i,))


ALL_PATHS = [p for p in _paths(MINIMAL) if p]


def _set(data, path, value):
    target = data
    for part in path[:-1]:
        target = target[part]
    if value == "__delete__":
        del target[path[-1]]
    else:
        target[path[-1]] = value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(ALL_PATHS), st.one_of(POOL, st.just("__delete__"), TEXT)), min_size=1, max_size=3))
def test_mutated_blueprints_render_or_fail_with_exit_2_never_a_traceback(tmp_path_factory, mutations) -> None:
    data = copy.deepcopy(MINIMAL)
    for path, value in mutations:
        try:
            _set(data, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
    folder = tmp_path_factory.mktemp("mut")
    source = folder / "mutant.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, out, err = run_cli("render", source, "--format", "md", "--format", "xlsx", "--out", folder / "out",
                             "--date", "2026-11-25")
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err
    if code == 2:
        assert "mutant.yaml" in err


def _md_cell(value: str) -> str:
    """What a GFM table cell reads back as: runs of ASCII white space are one space, trimmed."""
    return re.sub(r"[ \t\n\r\f\v]+", " ", value).strip(" ")


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(PLAIN, PLAIN, TEXT, TEXT), min_size=1, max_size=12))
def test_any_guide_renders_in_every_format_and_reads_back(rows) -> None:
    base = _minimal_guide()
    entity = base.data.entities[0].model_copy(update={"fields": [
        FieldMapping(key=f"k{i}", source=s, target=t, type="string", source_type="string", direction="bidirectional",
                     rule=rule, note=note, status="mapped", source_object="A", target_object="B")
        for i, (s, t, rule, note) in enumerate(rows)
    ]})
    guide = base.model_copy(update={"data": base.data.model_copy(update={"entities": [entity]})})
    expected = [(clean_text(s), clean_text(t)) for s, t, _, _ in rows]
    dash = i18n.t("en", "none")  # documents show a field written n/a or - as the language's dash
    shown = [(shown_field(s, dash), shown_field(t, dash)) for s, t in expected]
    docx_data = get_writer("docx")(guide, WriterOptions())
    table = next(t for t in docx_tables(docx_data) if t.caption.endswith(entity.name + " field mapping"))
    assert [(r[0], r[1]) for r in table.rows] == shown
    md = get_writer("md")(guide, WriterOptions())
    md_table = next(t for t in md_tables(md) if t.caption.endswith(entity.name + " field mapping"))
    assert [(r[0], r[1]) for r in md_table.rows] == [(_md_cell(s), _md_cell(t))
                                                    for s, t in shown]
    wb = xlsx_workbook(get_writer("xlsx")(guide, WriterOptions()))
    sheet = next(r[0] for r in xlsx_index(wb) if r[1] == "mapping")
    assert [(r[3], r[7]) for r in wb[sheet].iter_rows(min_row=3, values_only=True)] == expected


CELL_VALUES = st.sampled_from([None, "", "x", "=1+1", "字符串", "String", "是", "maybe", 42, 3.5, "email", "n/a",
                               "Enum", "已映射", "???", "G1"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(1, 30), st.integers(1, 20), CELL_VALUES), min_size=1, max_size=6))
def test_edited_workbooks_import_or_fail_with_exit_2_never_a_traceback(tmp_path_factory, edits) -> None:
    import shutil

    import openpyxl

    folder = tmp_path_factory.mktemp("imp")
    blueprint = folder / "email-marketing.yaml"
    shutil.copy(ROOT / "blueprints" / "types" / "email-marketing.yaml", blueprint)
    code, out, err = run_cli("render", blueprint, "--format", "xlsx", "--out", folder, "--date", "2026-11-25")
    assert code == 0, err
    wb = openpyxl.load_workbook(out.split()[0])
    for sheet, row, column, value in edits:
        ws = wb.worksheets[sheet % len(wb.worksheets)]
        ws.cell(row, column).value = value
    edited = folder / "edited.xlsx"
    wb.save(edited)
    code, out, err = run_cli("import-mapping", edited, blueprint)
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err
    if code == 2:
        assert "edited.xlsx" in err
