"""Shared by the server tests: a reviewed workbook with one edit, made through the API."""

from __future__ import annotations

import io

import openpyxl

SHEET = "映射-联系人主档"
EDITED_RULE = "转小写、去空格、去掉别名"


def rendered_workbook(client, blueprint: str = "email-marketing") -> bytes:
    response = client.post("/api/v1/guides", json={"blueprint": blueprint, "formats": ["xlsx"], "date": "2026-11-25"})
    assert response.status_code == 200, response.text
    return response.content


def edited_workbook(data: bytes, cell: str = "L3", value: str = EDITED_RULE) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb[SHEET][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
