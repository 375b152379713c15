"""Product packs: matching, overlay and renames, validation, listing, scaffolding, and for every
shipped pack its own identifiers in every format (and nobody else's)."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from functools import lru_cache
from pathlib import Path

import openpyxl
import pytest

from conftest import FIXED_DATE, ROOT, available_builtins, run_cli
from guidegen.app.pipeline import choose_packs, load_for
from guidegen.blueprint.packs import Pack, available_packs, normalize
from guidegen.resolve.engagement import Engagement
from guidegen.resolve.resolver import resolve_guide
from guidegen.writers import WriterOptions, get_writer

DEMO = ROOT / "tests" / "data" / "packdemo"
DEMO_DIRS = (str(DEMO),)
SHIPPED = [p for p in available_packs() if ROOT / "blueprints" in p.path.parents]
SOFTWARE = [p for p in SHIPPED if p.header.side == "software"]
CRM = [p for p in SHIPPED if p.header.side == "crm"]


def guide(blueprint: str, lang: str = "en", software: str | None = None, crm: str | None = None,
          dirs: tuple[str, ...] = ()):
    engagement = Engagement(blueprint=blueprint, lang=lang, software=software, crm=crm, date=FIXED_DATE)
    return resolve_guide(load_for(engagement, dirs), engagement).guide


@lru_cache(maxsize=None)
def texts(blueprint: str, lang: str = "en", software: str | None = None, crm: str | None = None,
          dirs: tuple[str, ...] = ()) -> dict[str, str]:
    """The guide's text per format: Markdown, the DOCX body's text, every workbook cell."""
    g = guide(blueprint, lang, software, crm, dirs)
    md = get_writer("md")(g, WriterOptions()).decode("utf-8")
    docx = get_writer("docx")(g, WriterOptions())
    body = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")
    body = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", body))
    book = openpyxl.load_workbook(io.BytesIO(get_writer("xlsx")(g, WriterOptions())))
    cells = "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None)
    return {"md": md, "docx": body.replace("\u200b", ""), "xlsx": cells}


# --------------------------------------------------------------------------- matching
@pytest.mark.parametrize("typed", ["DemoDesk", "demodesk", "Demo Desk Pro", "demo-desk-pro", "DEMO DESK PRO", "demo-desk"])
def test_a_software_pack_is_matched_by_id_name_or_alias_ignoring_case_and_spacing(typed: str) -> None:
    paths, warnings = choose_packs("helpdesk", typed, None, DEMO_DIRS)
    assert [p.name for p in paths] == ["demo.yaml"] and warnings == []


def test_a_pack_of_another_type_is_not_matched() -> None:
    paths, warnings = choose_packs("erp", "DemoDesk", None, DEMO_DIRS)
    assert paths == [] and len(warnings) == 1


def test_the_printed_product_name_stays_as_the_user_typed_it() -> None:
    g = guide("helpdesk", software="demo desk pro", dirs=DEMO_DIRS)
    assert g.meta.software == "demo desk pro"
    assert [p.name for p in g.meta.packs] == ["DemoDesk"] and g.meta.neutral == []


@pytest.mark.parametrize(("software", "crm", "printed"), [
    ("amazon-connect", "dynamics365", ("Amazon Connect", "Microsoft Dynamics 365")),
    ("Magento", "hubspot", ("Magento", "HubSpot")),
    ("twilio flex", "Salesforce CRM", ("twilio flex", "Salesforce CRM")),
])
def test_a_product_named_by_its_pack_id_prints_as_the_pack_name_and_any_other_name_as_typed(
        software: str, crm: str, printed: tuple[str, str]) -> None:
    blueprint = "ecommerce" if software == "Magento" else "call-center"
    g = guide(blueprint, "en", software, crm)
    assert (g.meta.software, g.meta.crm) == printed and len(g.meta.packs) == 2
    text = get_writer("md")(g, WriterOptions()).decode("utf-8")
    for typed, shown in zip((software, crm), printed):
        assert shown in text
        if typed != shown:  # not as a word of its own (identifiers and URLs may contain it)
            assert not re.search(rf"(?<![\w/.-]){re.escape(typed)}(?![\w/.-])", text)


def test_normalize_ignores_case_spaces_and_punctuation() -> None:
    assert normalize("SAP S/4HANA") == normalize("sap s4hana") == "saps4hana"
    assert normalize("") == ""


# --------------------------------------------------------------------------- unknown products
def test_an_unknown_product_gives_exit_0_a_warning_naming_the_packs_and_a_product_neutral_note(tmp_path: Path) -> None:
    code, out, err = run_cli("render", "helpdesk", "--software", "Helpy McDeskface", "--blueprints", DEMO,
                             "--format", "md", "--lang", "en", "--out", tmp_path)
    assert code == 0, err
    assert "no product pack for software 'Helpy McDeskface'" in err and "DemoDesk" in err
    md = (tmp_path / "helpdesk-medium-en.md").read_text(encoding="utf-8")
    assert "product-neutral for Helpy McDeskface" in md
    zh = guide("helpdesk", lang="zh", software="Helpy McDeskface", dirs=DEMO_DIRS)
    assert zh.meta.neutral == ["Helpy McDeskface"]


def test_no_named_product_gives_the_default_guide_without_notes() -> None:
    g = guide("helpdesk")
    assert g.meta.packs == [] and g.meta.neutral == []
    assert "product-neutral" not in texts("helpdesk")["md"]


# --------------------------------------------------------------------------- applying
def test_a_software_pack_renames_its_side_only_and_rows_keep_their_logical_key() -> None:
    g = guide("helpdesk", software="DemoDesk", dirs=DEMO_DIRS)
    customer = next(e for e in g.data.entities if e.id == "customer")
    assert customer.source_object == "Person / Org"
    rows = {r.key: r for r in customer.fields}
    assert rows["account_id"].source == "org_ref_id"  # renamed on the software side ...
    assert rows["user_id"].source == "person_id"
    assert rows["account_id"].target == "Account.ExternalSourceId"  # ... the CRM side untouched
    assert "Demo note" in (rows["email"].note or "")  # the overlay row merged into the row by source


def test_a_crm_pack_renames_the_crm_side_in_tables_and_texts_with_per_type_parts() -> None:
    g = guide("helpdesk", crm="DemoCRM", dirs=DEMO_DIRS)
    customer = next(e for e in g.data.entities if e.id == "customer")
    rows = {r.key: r for r in customer.fields}
    assert rows["email"].target == "dc_contact.mail"
    assert rows["user_id"].target == "dc_contact.DemoExtKey"  # object renamed, '*.ExternalSourceId' too
    assert rows["account_id"].target == "Account.DemoExtKey"
    md = texts("helpdesk", crm="DemoCRM", dirs=DEMO_DIRS)["md"]
    assert "ExternalSourceId" not in md  # the texts name the product's field as well
    assert "dc_interaction.body" in md  # the helpdesk-only part
    erp = texts("erp", crm="DemoCRM", dirs=DEMO_DIRS)["md"]
    assert "dc_interaction.body" not in erp and "How the demo CRM's API behaves" in erp


def test_pack_limits_platform_notes_and_sources_reach_every_format() -> None:
    both = texts("helpdesk", software="DemoDesk", crm="DemoCRM", dirs=DEMO_DIRS)
    for fmt in ("md", "docx"):
        assert "LIM-DD-API" in both[fmt] and "100 per minute" in both[fmt], fmt
        assert "How the demo CRM's API behaves" in both[fmt], fmt
        assert "https://example.com/democrm" in both[fmt] and "https://example.com/docs" in both[fmt], fmt
    assert "https://example.com/democrm" in both["xlsx"]  # the References sheet


# --------------------------------------------------------------------------- validation
def _pack_copy(tmp_path: Path, edit) -> Path:
    folder = tmp_path / "bp" / "packs" / "helpdesk"
    folder.mkdir(parents=True)
    text = (DEMO / "packs" / "helpdesk" / "demo.yaml").read_text(encoding="utf-8")
    path = folder / "demo.yaml"
    path.write_text(edit(text), encoding="utf-8")
    return path


def test_validate_strict_reports_a_pack_fact_without_a_source_with_file_and_line(tmp_path: Path) -> None:
    path = _pack_copy(tmp_path, lambda t: t.replace("        sources: [demo-doc]\n", "", 1))
    code, _, err = run_cli("validate", path, "--blueprints", tmp_path / "bp")
    assert code == 0
    code, _, err = run_cli("validate", "--strict", path, "--blueprints", tmp_path / "bp")
    assert code == 2
    assert re.search(rf"{re.escape(str(path))}:\d+:\d+: warning: overlay\.architecture\.limits\[0\]: a pack fact without a source", err)


def test_validate_strict_reports_a_rename_of_a_field_the_blueprint_does_not_have(tmp_path: Path) -> None:
    path = _pack_copy(tmp_path, lambda t: t.replace("    user_id: person_id", "    usr_id: person_id"))
    code, _, err = run_cli("validate", "--strict", path, "--blueprints", tmp_path / "bp")
    assert code == 2
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "usr_id" in text)
    assert f"{path}:{line}:" in err and "renames field 'usr_id'" in err


def test_a_broken_pack_is_reported_in_its_own_file_without_a_traceback(tmp_path: Path) -> None:
    path = _pack_copy(tmp_path, lambda t: t.replace("value: {zh: 每分钟 100 次, en: 100 per minute}", "value: [1, 2]"))
    code, _, err = run_cli("render", "helpdesk", "--software", "DemoDesk", "--blueprints", tmp_path / "bp",
                           "--format", "md", "--out", tmp_path / "o")
    assert code == 2 and "Traceback" not in err
    assert f"{path}:" in err and "limits" in err
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_a_software_pack_without_a_type_is_refused(tmp_path: Path) -> None:
    path = _pack_copy(tmp_path, lambda t: t.replace("  type: helpdesk\n", ""))
    code, _, err = run_cli("validate", path, "--blueprints", tmp_path / "bp")
    assert code == 2 and "a software pack names its integration type" in err and f"{path}:" in err


def test_both_demo_packs_validate_strictly() -> None:
    code, out, err = run_cli("validate", "--strict", DEMO / "packs" / "helpdesk" / "demo.yaml",
                             DEMO / "packs" / "crm" / "democrm.yaml", "--blueprints", DEMO)
    assert code == 0, err


# --------------------------------------------------------------------------- listing and scaffolding
def test_list_shows_packs_per_type_and_list_packs_shows_every_pack_with_its_date() -> None:
    code, out, _ = run_cli("list", "--blueprints", DEMO)
    assert code == 0
    helpdesk = next(line for line in out.splitlines() if line.startswith("helpdesk"))
    assert "DemoDesk" in helpdesk and "DemoCRM" in out
    code, out, _ = run_cli("list", "--packs", "--blueprints", DEMO)
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("demo-desk"))
    assert "software" in line and "helpdesk" in line and "2026-11-25" in line and "Demo Desk Pro" in line
    code, out, _ = run_cli("list", "helpdesk", "--blueprints", DEMO)
    assert "demo-desk" in out and "democrm" in out


@pytest.mark.parametrize("args", [["--type", "helpdesk"], ["--crm"]])
def test_new_pack_writes_a_skeleton_that_validates(tmp_path: Path, args: list[str]) -> None:
    code, out, err = run_cli("new-pack", "acme", *args, "--name", "Acme", "--dir", tmp_path)
    assert code == 0, err
    path = Path(out.strip())
    assert path.is_file() and path.parent.parent.name == "packs"
    code, _, err = run_cli("validate", path, "--blueprints", tmp_path)
    assert code == 0, err
    code, _, err = run_cli("validate", "--strict", path, "--blueprints", tmp_path)
    assert code == 2 and "renames without a source" in err  # the author still has to cite the vendor
    code, _, err = run_cli("new-pack", "acme", *args, "--dir", tmp_path)
    assert code == 2  # an existing file is never overwritten without --force


def test_new_pack_needs_exactly_one_side(tmp_path: Path) -> None:
    assert run_cli("new-pack", "acme", "--dir", tmp_path)[0] == 2
    assert run_cli("new-pack", "acme", "--crm", "--type", "helpdesk", "--dir", tmp_path)[0] == 2
    assert run_cli("new-pack", "Bad Id", "--crm", "--dir", tmp_path)[0] == 2


# --------------------------------------------------------------------------- shipped packs
def _id(p: Pack) -> str:
    return f"{p.header.side}-{p.header.id}"


def _types(p: Pack) -> list[str]:
    return [p.header.type] if p.header.type else available_builtins()


@pytest.mark.parametrize("pack", SHIPPED, ids=_id)
def test_a_shipped_pack_names_its_own_identifiers_in_every_format(pack: Pack) -> None:
    assert pack.header.signature, "a shipped pack lists the identifiers only its guides contain"
    side = {pack.header.side: pack.header.name}
    for type_id in _types(pack):
        found = texts(type_id, "en", software=side.get("software"), crm=side.get("crm"))
        for fmt, text in found.items():
            missing = [s for s in pack.header.signature if s not in text]
            assert not missing, f"{type_id} {fmt}: {missing}"


@pytest.mark.parametrize("pack", SHIPPED, ids=_id)
def test_no_other_guide_contains_a_shipped_packs_identifiers(pack: Pack) -> None:
    rivals = [p for p in SHIPPED if p.header.side == pack.header.side and p is not pack]
    for type_id in _types(pack):
        others = [("default", None)] + [(p.header.id, p.header.name) for p in rivals if type_id in _types(p)]
        for name, product in others:
            side = {pack.header.side: product} if product else {}
            found = texts(type_id, "en", software=side.get("software"), crm=side.get("crm"))
            for fmt, text in found.items():
                leaked = [s for s in pack.header.signature if s in text]
                assert not leaked, f"{type_id} with {name} ({fmt}) contains {pack.header.id}'s {leaked}"


@pytest.mark.parametrize("pack", SHIPPED, ids=_id)
def test_a_shipped_pack_validates_strictly_with_every_type_it_applies_to(pack: Pack) -> None:
    code, _, err = run_cli("validate", "--strict", pack.path)
    assert code == 0, err


PAIRS = [(c, s) for c, s in itertools.product(CRM, SOFTWARE)]


@pytest.mark.parametrize("crm,software", PAIRS, ids=[f"{c.header.id}+{s.header.id}" for c, s in PAIRS])
def test_every_crm_pack_and_software_pack_pair_renders_and_validates(crm: Pack, software: Pack) -> None:
    type_id = software.header.type
    code, _, err = run_cli("validate", "--strict", type_id, "--software", software.header.name, "--crm", crm.header.name)
    assert code == 0, err
    for lang in ("zh", "en"):
        g = guide(type_id, lang, software=software.header.name, crm=crm.header.name)
        assert {p.side for p in g.meta.packs} == {"crm", "software"} and g.meta.neutral == []
        md = get_writer("md")(g, WriterOptions()).decode("utf-8")
        assert software.header.name in md and crm.header.name in md
        if crm.header.id != "salesforce":  # no Salesforce custom-field name under another CRM
            assert re.findall(r"\w+__c\b", md.replace("\\_", "_")) == []


@pytest.mark.parametrize("logical,prefix,underscores,named", [
    ("ERP_Subsidiary__c", "new_", False, "new_erpsubsidiary"),
    ("Requested_Subsidiary__c", "erp_", True, "erp_requested_subsidiary"),
    ("ERP_Order_Id__c", "erp_", True, "erp_order_id"),  # the prefix is not doubled
    ("Tax_Number__c", "", True, "tax_number"),
    ("__c", "new_", False, "__c"),  # the suffix alone, as a text mentions it
    ("EcomCustomerId", "ecom_", True, "EcomCustomerId"),  # not a custom-field name
])
def test_a_crm_pack_names_an_unlisted_custom_field_by_its_rule(logical: str, prefix: str, underscores: bool,
                                                                named: str) -> None:
    from guidegen.blueprint.packs import CustomFieldNames

    assert CustomFieldNames(prefix=prefix, underscores=underscores).name(logical) == named


@pytest.mark.parametrize("crm,fragment,field", [
    ("Dynamics 365", "Dataverse table and column logical names", "account.new_erpsubsidiary"),
    ("HubSpot", "property internal names", "companies.erp_subsidiary"),
    ("Salesforce", "CRM field names follow Salesforce", "Account.ERP_Subsidiary__c"),
])
def test_a_software_pack_states_the_crm_naming_of_the_crm_named_and_adds_fields_in_it(crm: str, fragment: str,
                                                                                        field: str) -> None:
    """NetSuite adds CRM-side fields no CRM pack lists (the customer's subsidiary); its reference
    note says how the CRM names things through the CRM pack's own sentence."""
    g = guide("erp", "en", software="NetSuite", crm=crm)
    md = get_writer("md")(g, WriterOptions()).decode("utf-8").replace("\\_", "_")
    background = next(line for line in md.splitlines() if "This guide is written for Oracle NetSuite" in line)
    assert fragment in background and field in md


def test_the_server_renders_with_the_packs_the_request_names_and_warns_about_unknown_ones() -> None:
    from guidegen.app.server.models import GuideRequest
    from guidegen.app.server.service import render_guide

    result = render_guide(GuideRequest(blueprint="helpdesk", software="Demo Desk Pro", lang="en", formats=["md"]), DEMO_DIRS)
    md = result.files[0].data.decode("utf-8")
    assert "org_ref_id" in md and not result.warnings
    result = render_guide(GuideRequest(blueprint="helpdesk", software="Nope Desk", lang="en", formats=["md"]), DEMO_DIRS)
    assert "org_ref_id" not in result.files[0].data.decode("utf-8")
    assert any("no product pack for software 'Nope Desk'" in w.message for w in result.warnings)


# --------------------------------------------------------------------------- shipped code sets
def _codes(g, code_set: str) -> list[tuple[str, str]]:
    return [(v.source, v.target) for v in next(c for c in g.data.enums if c.id == code_set).values]


def test_a_software_pack_replaces_a_generic_code_set_value_by_value_and_drops_the_generic_ones() -> None:
    generic = dict(_codes(guide("helpdesk"), "ticket_status"))
    assert generic["on_hold"] == "OnHold" and "hold" not in generic
    zendesk = _codes(guide("helpdesk", software="Zendesk"), "ticket_status")
    assert ("hold", "OnHold") in zendesk and ("solved", "Resolved") in zendesk
    assert not {"on_hold", "resolved", "reopened"} & {s for s, _ in zendesk}  # omitted by source
    assert len(zendesk) == len(set(zendesk))  # replaced in place, not appended twice
    freshdesk = _codes(guide("helpdesk", software="Freshdesk"), "ticket_status")
    assert [s for s, _ in freshdesk] == ["2", "3", "4", "5", "4/5 → 2"]


def test_a_rename_of_a_field_named_like_a_code_set_leaves_the_code_set_references_alone() -> None:
    g = guide("email-marketing", software="Mailchimp")
    consent = next(e for e in g.data.entities if e.id == "consent")
    status = next(r for r in consent.fields if r.key == "subscription_status")
    assert status.target == "status" and status.enum == "subscription_status"
    assert status.checks is not None and status.checks.code_set == "subscription_status"


# --------------------------------------------------------------------------- renaming edge cases
def test_a_renamed_row_whose_logical_name_is_no_valid_id_gets_a_valid_derived_key() -> None:
    from guidegen.blueprint.packs import row_key

    assert row_key("user_id") == "user_id"
    assert row_key("Quote.Id / Order.Id") == "Quote.Id_Order.Id"
    assert row_key("Quote.GrandTotal (net)") == "Quote.GrandTotal_net"
    assert row_key("(unmatched)") == "unmatched"
    assert row_key("1st") == "f_1st"


def test_a_field_renamed_in_texts_leaves_a_code_set_of_the_same_name_alone(tmp_path: Path) -> None:
    folder = tmp_path / "bp" / "packs" / "crm"
    folder.mkdir(parents=True)
    (folder / "cs.yaml").write_text(
        "pack: {id: cs, side: crm, name: CodeSetCRM, summary: {zh: 演示, en: demo}, verified: 2026-11-25, signature: [x]}\n"
        "types:\n  email-marketing:\n    renames:\n      sources: [d]\n"
        "      fields: {subscription_status: cs_subscription_state}\n"
        "sources: [{id: d, title: {zh: 文档, en: docs}, url: 'https://example.com/d', verified: 2026-11-25}]\n",
        encoding="utf-8")
    dirs = (str(tmp_path / "bp"),)
    g = guide("email-marketing", crm="CodeSetCRM", dirs=dirs)
    consent = next(e for e in g.data.entities if e.id == "consent")
    row = next(r for r in consent.fields if r.key == "subscription_status")
    assert row.source == "cs_subscription_state"  # the CRM column is renamed ...
    assert row.checks is None or row.checks.code_set in (None, "subscription_status")  # ... its code set is not


def packs_table() -> str:
    """The README's table of shipped packs, as it must read."""
    lines = ["| pack | product | side | type | also matched by | verified |", "|---|---|---|---|---|---|"]
    for p in SHIPPED:
        h = p.header
        lines.append(f"| `{h.id}` | {h.name} | {h.side} | {h.type or 'every type'} | {', '.join(h.aliases) or '-'} | "
                     f"{h.verified.isoformat()} |")
    return "\n".join(lines) if SHIPPED else ""


def test_the_readme_lists_every_shipped_pack() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- packs:start -->\n", 1)[1].split("<!-- packs:end -->", 1)[0].strip()
    assert block == packs_table(), "README packs table is stale; it should read:\n" + packs_table()


def test_a_software_pack_row_still_finds_its_row_after_the_crm_pack_renamed_it() -> None:
    alone = guide("email-marketing", software="Mailchimp")
    both = guide("email-marketing", software="Mailchimp", crm="Salesforce")
    for g in (alone, both):
        contact = next(e for e in g.data.entities if e.id == "contact")
        rows = [r for r in contact.fields if r.key == "contact_id"]
        assert len(rows) == 1 and "CRMID" in (rows[0].note or ""), [r.key for r in contact.fields]
    assert len(next(e for e in both.data.entities if e.id == "contact").fields) == \
        len(next(e for e in alone.data.entities if e.id == "contact").fields)


@pytest.mark.parametrize("software", [None, "adobe-commerce", "shopify"])
@pytest.mark.parametrize("crm", [None, "dynamics365", "hubspot"])
def test_the_closing_note_names_no_product_the_guide_is_not_for(software: str | None, crm: str | None) -> None:
    """The closing disclaimer is product-neutral: a pack that wrote its own named the other
    side's products ('Adobe Commerce, Salesforce and Dynamics 365' in a HubSpot guide)."""
    for lang in ("zh", "en"):
        closing = " ".join(c.text for c in guide("ecommerce", lang, software, crm).summary.closing)
        assert closing and not re.search(r"Shopify|Adobe Commerce|Salesforce|Dynamics|HubSpot", closing), closing
