"""Regenerate guidegen/writers/font_metrics.json: advance widths of the fonts the DOCX and the
workbook name, read from their metric-compatible stand-ins (the widths are the same by design).

    python scripts/font_metrics.py  (needs fontTools and fonts-crosextra-carlito, fonts-noto-cjk,
                                     fonts-dejavu-core)

Calibri -> Carlito (Regular, Bold); Microsoft YaHei -> Noto Sans CJK SC for the full-width
forms (every CJK ideograph and full-width mark is one em in both). A Chinese workbook cell has
one font, Microsoft YaHei, for its Latin letters too; where that font is absent, LibreOffice
shows them in DejaVu Sans (fontconfig's default sans), so those widths are kept as well
("sheet_latin"). Widths are stored in thousandths of an em as runs of consecutive code points,
for the Latin, punctuation and symbol ranges guide text uses.
"""

from __future__ import annotations

import json
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "guidegen" / "writers" / "font_metrics.json"
LATIN = {"regular": "/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf",
         "bold": "/usr/share/fonts/truetype/crosextra/Carlito-Bold.ttf"}
CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SHEET_LATIN = {"regular": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
               "bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"}
RANGES = [(0x20, 0x24F), (0x2000, 0x206F), (0x20A0, 0x20BF), (0x2100, 0x22FF), (0x25A0, 0x25FF)]


def widths(font: TTFont) -> dict[int, int]:
    em = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    return {cp: round(1000 * hmtx[cmap[cp]][0] / em) for lo, hi in RANGES for cp in range(lo, hi + 1) if cp in cmap}


def runs(table: dict[int, int]) -> list[list[int]]:
    """[[first code point, width, width, ...], ...] over consecutive code points."""
    out: list[list[int]] = []
    for cp in sorted(table):
        if out and out[-1][0] + len(out[-1]) - 1 == cp:
            out[-1].append(table[cp])
        else:
            out.append([cp, table[cp]])
    return out


def main() -> None:
    data: dict[str, object] = {"family": "Calibri", "stand_in": "Carlito", "units": 1000}
    for weight, path in LATIN.items():
        data[weight] = runs(widths(TTFont(path)))
    cjk = next(f for f in TTCollection(CJK).fonts if "SC" in f["name"].getDebugName(1))
    sample = widths(cjk)
    probe = cjk.getBestCmap()
    ideograph = round(1000 * cjk["hmtx"][probe[ord("中")]][0] / cjk["head"].unitsPerEm)
    data["east_asian"] = {"family": "Microsoft YaHei", "stand_in": cjk["name"].getDebugName(1), "wide": ideograph,
                          "checked": len(sample)}
    data["sheet_latin"] = {"family": "Microsoft YaHei", "stand_in": "DejaVu Sans",
                           **{weight: runs(widths(TTFont(path))) for weight, path in SHEET_LATIN.items()}}
    TARGET.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
