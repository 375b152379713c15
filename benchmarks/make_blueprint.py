"""Write a valid synthetic blueprint with N mapped fields in total.

    python benchmarks/make_blueprint.py --rows 10000 --out /tmp/big.yaml

Entities hold up to 250 fields each; code sets, test cases and metrics grow in proportion
(N/10 code values, N/20 tests, N/50 metrics), like an ERP master-data migration would.
The texts mix Chinese and English, Markdown and identifiers, as real blueprints do.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

FIELDS_PER_ENTITY = 250
TYPES = ["string", "integer", "decimal", "datetime", "enum", "boolean", "reference", "text"]


def blueprint_text(rows: int) -> str:
    entities = max(1, math.ceil(rows / FIELDS_PER_ENTITY))
    out = [
        "# Synthetic blueprint for benchmarks (benchmarks/make_blueprint.py).",
        "id: bench",
        'title: {zh: "{{ crm }} 与 {{ software }} 集成指南(基准)", en: "{{ crm }} ↔ {{ software }} integration guide (benchmark)"}',
        "description: {zh: 基准测试蓝图, en: Benchmark blueprint}",
        "software_kind: {zh: ERP 系统, en: ERP system}",
        "default_complexity: high",
        "defaults: {software: {zh: ERP, en: ERP}}",
        "include: [roles, plans, standards, security, compliance, resilience, operations, upgrade]",
        "overview:",
        "  goals:",
        "    - {id: G1, title: {zh: 主数据同步, en: Master data sync}, statement: {zh: 主数据一致, en: Master data stays consistent},"
        " kpi: {zh: 差异率 < 0.1%, en: Difference < 0.1%}}",
        "  scope:",
        "    objects:",
    ]
    out += [f"      - {{id: obj{e}, name: {{zh: 对象{e}, en: Object {e}}}}}" for e in range(entities)]
    out += [
        "implementation:",
        "  team:",
        "    - {id: pm, responsibilities: {zh: 计划, en: Plan}, accountable: true}",
        "    - {id: integration_dev, responsibilities: {zh: 开发, en: Build}}",
        "  tasks:",
    ]
    for stage in ("requirements", "design", "build", "testing", "pilot", "launch"):
        out.append(f"    - {{id: t-{stage}, stage: {stage}, text: {{zh: 任务 {stage}, en: Task {stage}}}, owners: [pm]}}")
    out += ["data:", "  entities:"]
    remaining = rows
    for e in range(entities):
        count = min(FIELDS_PER_ENTITY, remaining)
        remaining -= count
        out += [
            f"    - id: ent{e}",
            f"      name: {{zh: 实体{e}, en: Entity {e}}}",
            f"      scope_object: obj{e}",
            "      source: software",
            "      target: crm",
            f"      source_object: KNA{e}",
            f"      target_object: Account{e}__c",
            "      direction: software_to_crm",
            "      fields:",
        ]
        for f in range(count):
            kind = TYPES[f % len(TYPES)]
            enum = f", enum: codes{f % max(1, rows // 100)}" if kind == "enum" else ""
            out.append(
                f"        - {{source: FIELD_{e}_{f}, target: Field_{e}_{f}__c, type: {kind}, required: {str(f % 3 == 0).lower()},"
                f" rule: {{zh: \"去前后空格,转大写;见 `RULE-{f % 7}`\", en: \"Trim, upper-case; see `RULE-{f % 7}`\"}},"
                f" validation: {{zh: 长度 ≤ {10 + f % 90}, en: Length ≤ {10 + f % 90}}}, example: \"V{f:05d}\"{enum}}}"
            )
    out += ["  enums:"]
    code_sets = max(1, rows // 100)
    for c in range(code_sets):
        out += [f"    - id: codes{c}", f"      name: {{zh: 码表{c}, en: Code set {c}}}", "      values:"]
        out += [f"        - {{source: '{c}-{v}', target: C{c}_{v}, description: {{zh: 值{v}, en: Value {v}}}}}" for v in range(10)]
    out += ["testing:", "  cases:"]
    for t in range(max(1, rows // 20)):
        out.append(
            f"    - {{id: TC-{t:05d}, category: functional, title: {{zh: 用例{t}, en: Case {t}}}, goals: [G1],"
            f" steps: [{{zh: 步骤一, en: Step one}}, {{zh: 步骤二, en: Step two}}], expected: {{zh: 通过, en: Passes}}}}"
        )
    out += ["operations:", "  metrics:"]
    for m in range(max(1, rows // 50)):
        out.append(
            f"    - {{id: MON-{m:05d}, category: {{zh: 可靠性, en: Reliability}}, name: {{zh: 指标{m}, en: Metric {m}}},"
            f" threshold: {{zh: < {m % 10}%, en: < {m % 10}%}}, level: P{1 + m % 3}}}"
        )
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True, help="mapped fields in total")
    parser.add_argument("--out", type=Path, required=True, help="blueprint file to write")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(blueprint_text(args.rows), encoding="utf-8")
    print(args.out)


if __name__ == "__main__":
    main()
