"""The parsed-blueprint cache: a hit skips parsing; any input change misses; a damaged entry is
ignored and rebuilt; --no-cache neither reads nor writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from guidegen.blueprint import cache, loader
from guidegen.core.errors import UserError


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A private cache and a copy of a blueprint with its fragments; counts real parses."""
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    folder = tmp_path / "bp"
    shutil.copytree(ROOT / "blueprints" / "fragments", folder / "fragments")
    shutil.copy(ROOT / "blueprints" / "types" / "email-marketing.yaml", folder / "email-marketing.yaml")
    parses: list[str] = []
    real = loader._load

    def counting(path, name, packs, located=True):
        parses.append(str(path))
        return real(path, name, packs, located)

    monkeypatch.setattr(loader, "_load", counting)
    return folder, parses, tmp_path / "cache"


def test_loading_the_same_blueprint_again_comes_from_the_cache(env) -> None:
    folder, parses, store = env
    first = loader.load_blueprint(folder / "email-marketing.yaml")
    second = loader.load_blueprint(folder / "email-marketing.yaml")
    assert len(parses) == 1 and len(list(store.glob("*.pickle"))) == 1
    assert second.blueprint == first.blueprint and second.files == first.files
    assert second is not first  # callers may change what they get


@pytest.mark.parametrize("edit", ["blueprint", "fragment"])
def test_a_changed_blueprint_or_fragment_misses_the_cache(env, edit: str) -> None:
    folder, parses, _ = env
    path = folder / "email-marketing.yaml"
    loader.load_blueprint(path)
    target = path if edit == "blueprint" else folder / "fragments" / "roles.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    loader.load_blueprint(path)
    assert len(parses) == 2


def test_a_changed_pack_or_another_pack_misses_the_cache(env, tmp_path: Path) -> None:
    folder, parses, _ = env
    demo = ROOT / "tests" / "data" / "packdemo" / "packs" / "crm" / "democrm.yaml"
    pack = tmp_path / "democrm.yaml"
    shutil.copy(demo, pack)
    path = folder / "email-marketing.yaml"
    loader.load_blueprint(path)
    with_pack = loader.load_blueprint(path, packs=[pack])
    assert len(parses) == 2 and with_pack.packs
    loader.load_blueprint(path, packs=[pack])
    assert len(parses) == 2
    pack.write_text(pack.read_text(encoding="utf-8").replace("Demo CRM docs", "Demo CRM documentation"), encoding="utf-8")
    again = loader.load_blueprint(path, packs=[pack])
    assert len(parses) == 3
    assert any(s.title.en == "Demo CRM documentation" for s in again.blueprint.sources)


def test_a_different_package_version_or_changed_code_misses_the_cache(env, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, parses, _ = env
    path = folder / "email-marketing.yaml"
    loader.load_blueprint(path)
    monkeypatch.setattr(cache, "_version", lambda: "99.0")
    loader.load_blueprint(path)
    assert len(parses) == 2


def test_the_code_fingerprint_follows_the_modules() -> None:
    first = cache._version()
    assert "+" in first and first == cache._version()
    cache._version.cache_clear()
    assert cache._version() == first  # unchanged code, same fingerprint


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "garbage", "empty"])
def test_a_damaged_entry_is_ignored_and_rebuilt(env, damage: str) -> None:
    folder, parses, store = env
    path = folder / "email-marketing.yaml"
    expected = loader.load_blueprint(path).blueprint
    [entry] = store.glob("*.pickle")
    data = entry.read_bytes()
    entry.write_bytes({"flip a byte": data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],
                       "truncate": data[: len(data) // 2], "garbage": b"\x80\x04not a cache entry",
                       "empty": b""}[damage])
    again = loader.load_blueprint(path)
    assert len(parses) == 2 and again.blueprint == expected
    assert loader.load_blueprint(path).blueprint == expected and len(parses) == 2  # rebuilt entry is used


def test_a_forged_entry_with_a_valid_checksum_for_other_content_is_not_returned(env) -> None:
    folder, parses, store = env
    path = folder / "email-marketing.yaml"
    loader.load_blueprint(path)
    [entry] = store.glob("*.pickle")
    import pickle

    payload = pickle.dumps(([], "not a blueprint"))
    entry.write_bytes(cache.MAGIC + cache.digest(payload).encode() + payload)
    assert loader.load_blueprint(path).blueprint.id == "email-marketing" and len(parses) == 2


def test_no_cache_neither_reads_nor_writes(env, tmp_path: Path) -> None:
    folder, parses, store = env
    code, _, err = run_cli("--no-cache", "render", folder / "email-marketing.yaml", "--format", "md", "--out", tmp_path / "o")
    assert code == 0, err
    assert not store.exists() or not list(store.glob("*.pickle"))
    code, _, err = run_cli("render", folder / "email-marketing.yaml", "--format", "md", "--out", tmp_path / "o2")
    assert code == 0, err
    assert len(list(store.glob("*.pickle"))) == 1
    code, _, err = run_cli("--no-cache", "render", folder / "email-marketing.yaml", "--format", "md", "--out", tmp_path / "o3")
    assert len(parses) == 3  # the entry was there, and not read


def test_an_unwritable_cache_folder_only_costs_time(env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, parses, _ = env
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))
    assert loader.load_blueprint(folder / "email-marketing.yaml").blueprint.id == "email-marketing"


def test_a_broken_blueprint_is_reported_the_same_with_the_cache(env) -> None:
    folder, _, store = env
    path = folder / "email-marketing.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("default_complexity: simple", "default_complexity: easy"),
                    encoding="utf-8")
    for _ in range(2):
        code, _, err = run_cli("validate", path)
        assert code == 2 and "default_complexity" in err and "easy" in err
    assert not list(store.glob("*.pickle")) if store.exists() else True


def test_a_problem_in_a_blueprint_from_the_cache_still_names_its_line(env, tmp_path: Path) -> None:
    """The cache keeps no locations, and a render releases them once the blueprint is checked:
    a problem found while rendering parses the file again to name its line."""
    folder, parses, store = env
    path = folder / "email-marketing.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip() == "en: Two-way subscription sync")
    del lines[at]  # the first goal's title in Chinese only
    path.write_text("\n".join(lines), encoding="utf-8")
    reports = []
    for _ in range(2):
        code, _, err = run_cli("render", path, "--lang", "en", "--format", "md", "--out", tmp_path / "out", "--force")
        assert code == 0
        reports.append(err)
    # One parse to load and store, then one per render only to locate the problem.
    assert len(list(store.glob("*.pickle"))) == 1 and len(parses) == 3
    assert f"email-marketing.yaml:{at - 1}:" in reports[1]  # the line of the title key
    assert reports[0] == reports[1]


def test_the_cache_keeps_a_bounded_number_of_entries(env, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _, store = env
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    path = folder / "email-marketing.yaml"
    text = path.read_text(encoding="utf-8")
    for i in range(6):
        path.write_text(text + f"\n# revision {i}\n", encoding="utf-8")
        loader.load_blueprint(path)
    assert len(list(store.glob("*.pickle"))) == 3


def _every_builtin_load() -> list[tuple[str, list[Path]]]:
    from guidegen.blueprint.packs import packs_for

    cases = []
    for type_id, path in sorted(loader.blueprint_files().items()):
        cases.append((type_id, []))
        cases += [(type_id, [pack.path]) for pack in packs_for("software", type_id)]
        cases += [(type_id, [pack.path]) for pack in packs_for("crm", type_id)]
    return cases


@pytest.mark.parametrize("type_id, packs", _every_builtin_load(), ids=lambda v: v if isinstance(v, str) else "+".join(p.stem for p in v))
def test_a_blueprint_parsed_without_locations_is_the_one_parsed_with_them(type_id: str, packs: list[Path],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A render parses without locations and parses again only to locate a problem: every
    built-in blueprint, alone and with each of its packs, takes that route without falling
    back, and validates to the same blueprint as the located parse; ``raw`` then locates."""
    path = loader.blueprint_files()[type_id]
    located, _ = loader._load(path, str(path), packs)
    monkeypatch.setattr(loader, "_load", _refusing_fallback(loader._load))
    fast, _ = loader._load_fast(path, str(path), packs)
    monkeypatch.undo()
    assert not fast.located and fast.source.loc is None
    assert fast.blueprint == located.blueprint and fast.files == located.files
    assert fast.tree == located.raw
    assert fast.raw.loc is not None and fast.raw.locs["title"].line == located.raw.locs["title"].line


def _refusing_fallback(real):
    def load(path, name, packs, located=True):
        assert not located, "the unlocated load fell back to the located one"
        return real(path, name, packs, located)
    return load


def test_a_blueprint_the_fast_parse_cannot_take_loads_located(tmp_path: Path) -> None:
    """An anchor, a tag or a repeated key sends the load down the located route: the value is
    the same, and a problem is reported at its line."""
    source = (ROOT / "tests" / "data" / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "anchored.yaml"
    path.write_text(source.replace("title:", "title: &t", 1), encoding="utf-8")
    plain, _ = loader._load(ROOT / "tests" / "data" / "minimal.yaml", "minimal.yaml", [])
    anchored = loader.load_blueprint(path)
    assert anchored.blueprint.title == plain.blueprint.title
    assert anchored.raw.locs["title"].line == plain.raw.locs["title"].line
    lines = source.split("\n")
    first_key = next(line for line in lines if line and not line.startswith((" ", "#")))
    path.write_text(source + "\n" + first_key + "\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        loader.load_blueprint(path)
    assert f"anchored.yaml:{len(lines) + 1}:" in str(caught.value) and "duplicate key" in str(caught.value)


def test_validate_parses_a_blueprint_once_with_locations_even_when_it_warns(env, tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A render parses without locations and again only for a problem; validate reports
    warnings, each with its line, so it parses with locations from the start, once."""
    folder, parses, store = env
    path = folder / "email-marketing.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip() == "en: Two-way subscription sync")
    del lines[at]  # a warning: the first goal's title in Chinese only
    path.write_text("\n".join(lines), encoding="utf-8")
    flags = []
    counted = loader._load

    def load(path, name, packs, located=True):
        flags.append(located)
        return counted(path, name, packs, located)

    monkeypatch.setattr(loader, "_load", load)
    code, _, err = run_cli("validate", path)
    assert code == 0 and f"email-marketing.yaml:{at - 1}:" in err
    assert flags == [True] and len(parses) == 1
