"""Starter files: a commented project (engagement) file and a new blueprint.

Both are generated from the models and the blueprints themselves, so they always validate:
the project file lists the chosen blueprint's role ids and goals; a new blueprint is either
a commented skeleton that renders at once or a copy of an existing blueprint to adapt.
"""

from __future__ import annotations

import re
from pathlib import Path

from guidegen.blueprint.loader import LoadedBlueprint
from guidegen.blueprint.schema import Blueprint

_SCHEMA_LINE = "# yaml-language-server: $schema={schema}\n"


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when YAML reads it back as the same string, else quoted."""
    import json

    import yaml

    try:
        if text and yaml.safe_load(text) == text and text == text.strip() and "#" not in text:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def project_file_text(loaded: LoadedBlueprint | None, blueprint: str) -> str:
    """A commented engagement file for ``blueprint`` (its roles and goals listed)."""
    bp = loaded.blueprint if loaded else None
    roles = [m.id for m in bp.implementation.team] if bp else ["pm"]
    goals = [g.id for g in bp.overview.goals] if bp else []
    complexity = bp.default_complexity if bp else "medium"
    lines = [
        _SCHEMA_LINE.format(schema="schemas/project.schema.json").rstrip("\n"),
        "# guidegen project file: every parameter of one client engagement.",
        "#   guidegen render --project engagement.yaml        (options on the command line override it)",
        "# Run 'guidegen schema' once for editor completion of these keys.",
        "",
        "# Integration type: a built-in blueprint id ('guidegen list') or a path to a blueprint file",
        "# (relative paths are relative to this file).",
        f"blueprint: {yaml_scalar(blueprint)}",
        "client: ACME Corp                 # client organisation",
        "crm: Salesforce                   # CRM product",
        "software: Example Software        # third-party software product",
        f"complexity: {complexity}             # simple | medium | high",
        "scenario: new                     # new (onboarding) | upgrade (replace a running integration)",
        "lang: zh                          # zh | en",
        "formats: [docx, md, xlsx]",
        "start_date: 2027-01-04            # project start; phases get real dates (weeks start on Mondays)",
        "# date: 2026-12-01                # document date (default: SOURCE_DATE_EPOCH, else today)",
        'version: "1.0"',
        "author: Your Name",
        "",
        "# Goals. 'goals' replaces the blueprint's goals, 'add_goals' adds to them. An entry is a",
        f"# blueprint goal id to keep ({', '.join(goals) or 'G1'}), a statement, or a mapping; 'tests' names the",
        "# test cases that prove a new goal (otherwise it is shown as not covered).",
        "# goals: [G1, G2]",
        "add_goals: []",
        "#  - statement: Reduce duplicate contacts by half",
        "#    kpi: Duplicate rate < 0.5% after 30 days",
        "#    tests: [TC-01]",
        "",
        "# Who fills each role (role ids of this blueprint's team). Named owners appear in the",
        "# phase plan and the RACI matrix.",
        "people:",
    ]
    lines += [f"  {role}: {{name: \"\", contact: \"\"}}" for role in roles]
    lines += [
        "",
        "# Document control.",
        "revisions:",
        '  - {version: "0.9", date: 2026-11-20, author: Your Name, change: Draft for review}',
        '  - {version: "1.0", date: 2026-12-01, author: Your Name, change: Approved version}',
        "approvals:",
        f"  - {{role: {roles[0]}, name: \"\"}}",
        "",
        "# Values for the blueprint's placeholders, e.g. peak_load: 20000 events/minute",
        "variables: {}",
        "",
        "out: output                       # output folder (relative to this file)",
        "# template: firm.docx             # corporate Word template for the DOCX",
        "",
    ]
    return "\n".join(lines)


SKELETON = """{schema}# Blueprint '{id}': a new integration type. Fill in every section, then run
#   guidegen validate --strict {file}
#   guidegen render {file} --lang en
# Texts: a string, or {{zh: ..., en: ...}}; Markdown and {{{{ crm }}}} / {{{{ software }}}} / {{{{ client }}}}
# placeholders are allowed. Any list item may carry 'when: {{complexity: [high]}}' or
# 'when: {{scenario: upgrade}}'. Shared content comes from the fragments in 'include';
# an item with the same id overrides the shared one. See docs/authoring.md.
id: {id}
title:
  zh: "{{{{ crm }}}} 与 {{{{ software }}}} 集成指南"
  en: "{{{{ crm }}}} ↔ {{{{ software }}}} integration guide"
description:
  zh: CRM 与{kind_zh}集成
  en: CRM with {kind_en}
software_kind:
  zh: {kind_zh}
  en: {kind_en}
default_complexity: medium
defaults:
  software:
    zh: {kind_zh}
    en: {name_en}
# What the integration involves (personal_data, marketing_consent, payment_cards, call_recording):
# shared compliance items meant for other kinds of integration are left out.
traits: [personal_data]
include: [roles, plans, standards, security, compliance, resilience, operations, upgrade]

overview:
  background:
    - text:
        zh: "{{{{ client }}}}计划将 {{{{ crm }}}} 与 {{{{ software }}}} 集成。(说明业务背景。)"
        en: "{{{{ client }}}} plans to integrate {{{{ crm }}}} with {{{{ software }}}}. (Describe the business context.)"
  goals:                      # every goal needs a test case that names it in 'goals'
    - id: G1
      title: {{zh: 联系人同步, en: Contact sync}}
      statement: {{zh: 联系人在两个系统之间保持一致。, en: Contacts stay consistent across both systems.}}
      kpi: {{zh: 每日对账差异率 < 0.1%, en: Daily reconciliation difference < 0.1%}}
  scope:
    objects:                  # every object needs an entity (data.entities) that maps it
      - id: contact
        name: {{zh: 联系人, en: Contact}}
        crm_object: Contact
        software_object: Contact
    directions:
      - direction: bidirectional
        items: {{zh: 联系人主数据, en: Contact master data}}

architecture:
  interfaces:
    - id: IF-01
      provider: software
      name: {{zh: 联系人接口, en: Contact API}}
      kind: REST
      source: crm
      target: software
      bidirectional: true
      purpose: {{zh: 读写联系人, en: Read and write contacts}}
      auth: OAuth 2.0

implementation:
  team:                       # role ids from blueprints/fragments/roles.yaml
    - id: pm
      responsibilities: {{zh: "范围、计划与沟通", en: "Scope, plan and communication"}}
      accountable: true
    - id: integration_engineer
      responsibilities: {{zh: 集成开发, en: Builds the integration}}
    - id: qa
      responsibilities: {{zh: 测试与验收, en: Testing and acceptance}}
  tasks:                      # one or more per stage; stages map to phases at each complexity
    - {{stage: requirements, text: {{zh: 确认范围与字段清单, en: Confirm scope and field list}}, owners: [pm]}}
    - {{stage: design, text: {{zh: 接口与映射设计, en: Design interfaces and mapping}}, owners: [integration_engineer]}}
    - {{stage: build, text: {{zh: 开发与配置, en: Build and configure}}, owners: [integration_engineer]}}
    - {{stage: testing, text: {{zh: 功能与性能测试, en: Functional and performance testing}}, owners: [qa]}}
    - {{stage: pilot, text: {{zh: 小流量灰度, en: Grey release to a small share of traffic}}, owners: [pm]}}
    - {{stage: launch, text: {{zh: 全量上线, en: Full launch}}, owners: [pm]}}

data:
  entities:
    - id: contact
      name: {{zh: 联系人, en: Contact}}
      scope_object: contact
      source: crm
      target: software
      source_object: Contact
      target_object: Contact
      direction: bidirectional
      fields:
        - {{source: email, target: email, type: string, required: true, rule: {{zh: 转小写、去空格, en: Lower-case and trim}}}}
        - {{source: phone, target: phone, type: string, rule: {{zh: E.164 标准化, en: Normalise to E.164}}}}

testing:
  cases:
    - id: TC-01
      category: functional
      title: {{zh: 新建联系人同步, en: New contact syncs}}
      goals: [G1]
      steps:
        - {{zh: 在 CRM 新建联系人, en: Create a contact in the CRM}}
      expected: {{zh: 另一端出现一致的联系人, en: The other side shows the same contact}}
      acceptance: {{zh: 字段 100% 一致, en: 100% of fields match}}

summary:
  risks:
    - id: R-01
      category: {{zh: 数据一致性, en: Data consistency}}
      risk: {{zh: 两端数据不一致, en: The two sides diverge}}
      likelihood: medium
      impact: medium
      mitigation: {{zh: 每日对账与差异告警, en: Daily reconciliation with difference alerts}}
      owner: integration_engineer
"""


def skeleton_text(blueprint_id: str, file_name: str, schema: str | None) -> str:
    words = blueprint_id.replace("-", " ").replace("_", " ")
    return SKELETON.format(
        schema=_SCHEMA_LINE.format(schema=schema) if schema else "",
        id=blueprint_id,
        file=file_name,
        kind_zh="第三方系统",
        kind_en=f"{words} system",
        name_en=words.title(),
    )


def copy_text(source_text: str, new_id: str) -> str:
    """An existing blueprint's text with a new id (and a note saying where it came from)."""
    text, count = re.subn(r"(?m)^id:\s*.*$", f"id: {new_id}", source_text, count=1)
    if not count:
        text = f"id: {new_id}\n" + text
    lines = text.split("\n")
    insert_at = 1 if lines and lines[0].startswith("# yaml-language-server") else 0
    lines.insert(insert_at, "# Copied from another blueprint by 'guidegen new-blueprint'; adapt every section.")
    return "\n".join(lines)


def relative_schema(target_dir: Path, schemas_dir: Path, name: str = "blueprint.schema.json") -> str | None:
    """The schema path as seen from the new file's folder, if the schemas exist."""
    schema = schemas_dir / name
    if not schema.exists():
        return None
    import os

    return os.path.relpath(schema.resolve(), target_dir.resolve()).replace(os.sep, "/")


# --------------------------------------------------------------------------- packs
def side_names(blueprint: Blueprint, side: str) -> tuple[list[str], list[str]]:
    """The objects and fields a blueprint has on one side (crm or software), in order: what a
    pack for that side may rename."""
    objects: dict[str, None] = {}
    fields: dict[str, None] = {}
    for obj in blueprint.overview.scope.objects:
        name = obj.crm_object if side == "crm" else obj.software_object
        if name:
            objects.setdefault(name, None)
    for entity in blueprint.data.entities:
        for column in ("source", "target"):
            if getattr(entity, column) != side:
                continue
            objects.setdefault(getattr(entity, f"{column}_object"), None)
            for row in entity.fields:
                value = getattr(row, column)
                if value and value.strip().lower() not in ("n/a", "-"):
                    fields.setdefault(value, None)
    return list(objects), list(fields)


def pack_text(pack_id: str, side: str, type_id: str | None, name: str, today: str,
              names: tuple[list[str], list[str]], schema: str | None) -> str:
    """A pack skeleton that validates: the header, every renamable object and field of its side
    (mapped to itself until the author writes the product's name), and commented examples of
    an overlay and a source."""
    objects, fields = names
    lines = [_SCHEMA_LINE.format(schema=schema).rstrip("\n")] if schema else []
    lines += [
        f"# Product pack for {name}. Write the product's real names and facts, each with a source",
        "# (see docs/pack-format.md); 'guidegen validate --strict' checks the pack with its blueprint.",
        "pack:",
        f"  id: {pack_id}",
        f"  side: {side}",
    ]
    if type_id:
        lines.append(f"  type: {type_id}")
    lines += [
        f"  name: {yaml_scalar(name)}",
        "  aliases: []",
        "  summary:",
        f"    zh: {yaml_scalar(name + ' 的对象、字段、接口与限制')}",
        f"    en: {yaml_scalar(name + ' objects, fields, interfaces and limits')}",
        f"  verified: {today}",
        "  signature: []          # identifiers only this product's guides contain",
        "",
        "renames:                 # logical name -> the product's name (edit the right-hand sides)",
        "  sources: []            # ids from 'sources' below",
        "  objects:",
    ]
    lines += [f"    {yaml_scalar(o)}: {yaml_scalar(o)}" for o in objects] or ["    {}"]
    lines.append("  fields:")
    lines += [f"    {yaml_scalar(f)}: {yaml_scalar(f)}" for f in fields] or ["    {}"]
    lines += [
        "",
        "overlay: {}",
        "# overlay:                # a partial blueprint merged by id, like a fragment",
        "#   architecture:",
        "#     limits:",
        "#       - id: LIM-XX-API",
        "#         system: " + side,
        "#         name: {zh: API 速率限制, en: API rate limit}",
        "#         value: {zh: ..., en: ...}",
        "#         sources: [vendor-api-limits]",
        "",
        "sources: []",
        "# sources:",
        "#   - id: vendor-api-limits",
        "#     title: {zh: ..., en: ...}",
        "#     publisher: {zh: ..., en: ...}",
        "#     url: https://...",
        f"#     verified: {today}",
        "",
    ]
    return "\n".join(lines)
