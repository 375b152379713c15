"""Shared fragment items carry applicability; a blueprint's traits choose what fits."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, guide_for, run_cli

CONSENT_ITEMS = {"CMP-GDPR-CONSENT", "CMP-CCPA-OPTOUT", "CMP-PIPL-CONSENT"}


def test_a_marketing_integration_gets_the_consent_items() -> None:
    ids = {c.id for c in guide_for("email-marketing", "en").architecture.compliance}
    assert CONSENT_ITEMS <= ids and "CMP-GDPR-DSR" in ids


def test_a_b2b_integration_without_marketing_leaves_consent_items_out(tmp_path: Path) -> None:
    text = (ROOT / "blueprints" / "types" / "erp.yaml").read_text(encoding="utf-8")
    # Without its explicit omits, the ERP blueprint still gets no marketing-consent items: its traits decide.
    for cid in CONSENT_ITEMS:
        text = text.replace(f"    - id: {cid}\n      omit: true\n", "")
    (tmp_path / "erp.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "blueprints" / "fragments", tmp_path / "fragments")
    code, out, err = run_cli("render", tmp_path / "erp.yaml", "--lang", "en", "--format", "md", "--out", tmp_path / "out")
    assert code == 0, err
    markdown = Path(out.split()[0]).read_text(encoding="utf-8")
    assert "CMP-GDPR-DSR" in markdown
    assert not any(cid in markdown for cid in CONSENT_ITEMS)


def test_validate_strict_asks_a_blueprint_without_traits_to_declare_them(tmp_path: Path) -> None:
    text = (ROOT / "blueprints" / "types" / "helpdesk.yaml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("traits:")]
    (tmp_path / "helpdesk.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copytree(ROOT / "blueprints" / "fragments", tmp_path / "fragments")
    code, _, err = run_cli("validate", "--strict", tmp_path / "helpdesk.yaml")
    assert code == 2 and "declares no traits" in err and "CMP-GDPR-CONSENT (marketing_consent)" in err
