"""Software packs of one integration type keep to their own product: a guide rendered with one
product names none of the other product's identifiers (in either language)."""
from __future__ import annotations

import pytest

from conftest import FIXED_DATE
from guidegen.resolve.engagement import Engagement
from guidegen.resolve.resolver import resolve_guide
from guidegen.app.pipeline import load_for
from guidegen.writers import WriterOptions, get_writer

# identifiers that belong to one product only (product names, headers, object and field names)
OWN = {
    "Amazon Connect": ["Amazon Connect", "ContactId", "DisconnectReason", "EventBridge", "Kinesis", "SigV4"],
    "Twilio Flex": ["Twilio", "CallSid", "WorkerSid", "TaskRouter", "X-Twilio-Signature"],
    "Shopify": ["Shopify", "X-Shopify", "myshopify", "gid://", "read_all_orders", "bulkOperation"],
    "Adobe Commerce": ["Adobe Commerce", "Magento", "x-adobe-digital-signature", "sales_creditmemo", "increment_id"],
}
RIVALS = [("call-center", "Amazon Connect", "Twilio Flex"), ("call-center", "Twilio Flex", "Amazon Connect"),
          ("ecommerce", "Shopify", "Adobe Commerce"), ("ecommerce", "Adobe Commerce", "Shopify")]


def markdown(blueprint: str, lang: str, software: str) -> str:
    engagement = Engagement(blueprint=blueprint, lang=lang, software=software, date=FIXED_DATE)
    guide = resolve_guide(load_for(engagement), engagement).guide
    return get_writer("md")(guide, WriterOptions()).decode("utf-8")


@pytest.mark.parametrize("blueprint,product,rival", RIVALS, ids=[f"{p}-vs-{r}" for _, p, r in RIVALS])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_product_guide_names_none_of_the_rival_products_identifiers(blueprint, product, rival, lang) -> None:
    text = markdown(blueprint, lang, product)
    assert any(token in text for token in OWN[product]), "the guide is the product's own"
    leaked = [token for token in OWN[rival] if token in text]
    assert not leaked, f"{blueprint} with {product} ({lang}) names {rival}'s {leaked}"
