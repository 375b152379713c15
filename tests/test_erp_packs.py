"""The two ERP packs: a NetSuite guide carries no SAP identifier at any depth, in any language or
scenario, and its mapping and code sets are NetSuite's; the SAP S/4HANA guide adds the SAP
specifics the generic text leaves open."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from conftest import FIXED_DATE
from guidegen.app.pipeline import load_for
from guidegen.resolve.engagement import Engagement
from guidegen.resolve.resolver import resolve_guide
from guidegen.writers import WriterOptions, get_writer

# SAP's own names: document tables and fields, IDoc types and transactions, API and service names,
# condition types, authorization objects. None of them may reach a guide for another ERP.
SAP_IDENTIFIERS = re.compile(
    r"\bSAP\b|S/4HANA|\bIDocs?\b|\bVBAK\b|\bVBAP\b|\bVBELN\b|\bPOSNR\b|\bKNA1\b|\bKNVV\b|\bBUT000\b|\bPPR0\b|\bPR00\b"
    r"|\bAPI_[A-Z_]+\b|\bA_SalesOrder\b|\bA_BusinessPartner\b|\bBD87\b|\bWE02\b|\bCMGST\b|\bGBSTK\b|\bZZ_CRM_ORDER_ID\b"
    r"|\bFLCU00\b|\bPFCG\b|\bDEBMAS\b|\bMATMAS\b|\bORDRSP\b|\bOData\b|X-CSRF-Token|\bCE_SALESORDER_0001\b"
)


def _guide(software: str, lang: str, complexity: str, scenario: str):
    engagement = Engagement(blueprint="erp", software=software, lang=lang, complexity=complexity,
                            scenario=scenario, date=FIXED_DATE)
    return resolve_guide(load_for(engagement, ()), engagement).guide


def _markdown(guide) -> str:
    return get_writer("md")(guide, WriterOptions()).decode("utf-8")


def _workbook(guide) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(get_writer("xlsx")(guide, WriterOptions())))


def _cells(book: openpyxl.Workbook) -> str:
    return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("complexity", ["simple", "high"])
@pytest.mark.parametrize("scenario", ["new", "upgrade"])
def test_a_netsuite_guide_names_no_sap_identifier(lang: str, complexity: str, scenario: str) -> None:
    guide = _guide("NetSuite", lang, complexity, scenario)
    for fmt, text in (("md", _markdown(guide)), ("xlsx", _cells(_workbook(guide)))):
        leaked = sorted(set(SAP_IDENTIFIERS.findall(text)))
        assert not leaked, f"{lang}/{complexity}/{scenario} {fmt}: {leaked}"


def test_the_netsuite_mapping_reads_invoices_and_order_status_from_netsuite_fields() -> None:
    guide = _guide("Oracle NetSuite", "en", "high", "new")
    rows = {(e.id, f.source): f.target for e in guide.data.entities for f in e.fields}
    assert rows[("ns_invoice", "amountRemaining")] == "ERP_Invoice__c.Open_Amount__c"
    assert rows[("ns_order_status", "orderStatus")] == "Order.ERP_Order_Status__c"
    assert rows[("ns_sales_order", "Quote.Id / Order.Id")] == "externalId"
    assert not any(e.id in {"customer", "order_status", "invoice"} for e in guide.data.entities)
    # the workbook a client fills in carries the same rows
    cells = _cells(_workbook(guide))
    assert "amountRemaining" in cells and "ERP_Invoice__c.Open_Amount__c" in cells


def test_the_netsuite_order_status_code_set_maps_netsuite_statuses_only() -> None:
    guide = _guide("NetSuite", "en", "high", "new")
    code_sets = {c.id: c for c in guide.data.enums}
    assert "order_status" not in code_sets and "sap_processing_status" not in code_sets
    sources = {v.source for v in code_sets["ns_order_status"].values if v.source}
    assert "B — Pending Fulfillment" in sources and not any("CMGST" in s for s in sources)
    assert {v.target for v in code_sets["ns_order_status"].values} >= {"booked", "on_hold", "invoiced", "cancelled"}


def test_the_sap_guide_adds_csrf_events_and_communication_arrangements() -> None:
    md = _markdown(_guide("SAP S/4HANA Cloud Public Edition", "en", "high", "new"))
    assert "X-CSRF-Token: Required" in md
    assert "sap.s4.beh.salesorder.v1.SalesOrder.Changed.v1" in md
    assert "SAP_COM_0109" in md and "CE_SALESORDER_0001" in md
    neutral = _markdown(_guide("", "en", "high", "new"))
    assert "X-CSRF-Token" not in neutral and "CE_SALESORDER_0001" not in neutral
