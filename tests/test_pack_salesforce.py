"""The Salesforce CRM pack: every custom field or object its mapping tables write is one the
guide tells the Salesforce administrator to create, and the build notes name nothing the
mapping tables do not use."""

from __future__ import annotations

import re

import pytest

from conftest import FIXED_DATE
from guidegen.app.pipeline import load_for
from guidegen.resolve.engagement import Engagement
from guidegen.resolve.resolver import resolve_guide

#: Types whose "fields to create" note lists every custom field one by one (ecommerce and ERP
#: name their external IDs and custom objects and refer to chapter 4 for the rest).
FULL_LISTS = ["helpdesk", "call-center", "email-marketing"]
ALL_TYPES = ["helpdesk", "call-center", "ecommerce", "erp", "email-marketing"]
CUSTOM = re.compile(r"\b[A-Za-z][A-Za-z0-9_]*__c\b")


def _guide(type_id: str):
    engagement = Engagement(blueprint=type_id, lang="en", crm="Salesforce", date=FIXED_DATE)
    return resolve_guide(load_for(engagement, ()), engagement).guide


def _mapped_custom_names(g) -> set[str]:
    """Custom objects and fields (…__c) in the CRM column and CRM object of every mapping table."""
    names: set[str] = set()
    for entity in g.data.entities:
        for column in ("source", "target"):
            if getattr(entity, column) != "crm":
                continue
            names |= set(CUSTOM.findall(getattr(entity, f"{column}_object")))
            for row in entity.fields:
                names |= set(CUSTOM.findall(getattr(row, column)))
    return names


def _build_notes(g) -> str:
    return "\n".join(n.text for n in g.architecture.platform if n.id and n.id.startswith("PF-SF-") and n.id.endswith("-BUILD"))


@pytest.mark.parametrize("type_id", FULL_LISTS)
def test_every_custom_field_the_salesforce_mapping_writes_is_listed_to_be_created(type_id: str) -> None:
    g = _guide(type_id)
    listed = set(CUSTOM.findall(_build_notes(g)))
    mapped = _mapped_custom_names(g)
    assert mapped, "the Salesforce guide maps custom fields"
    assert not mapped - listed, f"mapped but not listed to be created: {sorted(mapped - listed)}"


@pytest.mark.parametrize("type_id", ALL_TYPES)
def test_the_salesforce_build_notes_name_only_custom_fields_the_guide_maps(type_id: str) -> None:
    g = _guide(type_id)
    notes = _build_notes(g)
    assert notes, f"{type_id}: the Salesforce guide says which custom fields to create"
    mapped = _mapped_custom_names(g)
    extra = {n for n in CUSTOM.findall(notes) if n not in mapped}
    assert not extra, f"listed to be created but mapped nowhere: {sorted(extra)}"


def test_renaming_a_field_named_like_its_code_set_leaves_the_code_set_reference_alone() -> None:
    # the email-marketing consent fields share their names with their code sets
    g = _guide("email-marketing")
    consent = next(e for e in g.data.entities if e.id == "consent")
    row = next(r for r in consent.fields if r.target == "subscription_status")
    assert row.source == "Contact.Email_Subscription_Status__c"
    assert row.enum == "subscription_status" and row.checks is not None and row.checks.code_set == "subscription_status"
    assert {c.id for c in g.data.enums} >= {"subscription_status", "consent_type", "consent_source"}
