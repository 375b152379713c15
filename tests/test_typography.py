"""Chinese text gets full-width punctuation; Latin notation, code and links stay as written."""

import pytest

from guidegen.core.typography import polish_zh


@pytest.mark.parametrize("given, expected", [
    ("CRM为主,写入邮件平台external_id", "CRM为主，写入邮件平台external_id"),
    ("IETF BCP 47(如zh-CN)", "IETF BCP 47（如zh-CN）"),
    ("必填校验:email或contact_id至少一项有效", "必填校验：email或contact_id至少一项有效"),
    ("峰值10,000事件/分钟,时间 08:15:30", "峰值10,000事件/分钟，时间 08:15:30"),
    ("见 [文档](https://x.com/a,b) 与 `a,b`", "见 [文档](https://x.com/a,b) 与 `a,b`"),
    ("OAuth2或API Key(最小权限),TLS 1.2+", "OAuth2或API Key（最小权限），TLS 1.2+"),
    ("GDPR 第 12(3) 条、第 5(1)(c) 条", "GDPR 第 12(3) 条、第 5(1)(c) 条"),
    ("CRM 与 邮件营销平台 集成指南", "CRM 与邮件营销平台集成指南"),
    ("P95 < 1 s, P99 < 10 s", "P95 < 1 s, P99 < 10 s"),
    ("来电弹屏P95<1s; 通话落库P95<10s", "来电弹屏P95<1s；通话落库P95<10s"),
    ("见 https://example.com/a?b=c,然后", "见 https://example.com/a?b=c，然后"),
    ("- 4xx:多为数据质量\n- 5xx/网络:自动重试", "- 4xx：多为数据质量\n- 5xx/网络：自动重试"),
])
def test_full_width_punctuation_where_chinese_touches_it(given: str, expected: str) -> None:
    assert polish_zh(given) == expected


def test_latin_only_text_is_untouched() -> None:
    text = "Retry (2s/8s/32s), then DLQ; see: https://a.b/c"
    assert polish_zh(text) == text


def test_a_range_of_article_numbers_keeps_its_latin_parentheses() -> None:
    assert polish_zh("依据 15 U.S.C. §7704(a)(3)–(5) 的规定,退订") == "依据 15 U.S.C. §7704(a)(3)–(5) 的规定，退订"
