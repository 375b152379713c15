"""Words of the web pages in Chinese and English (UI_LANGS order), and field errors in the
user's language."""

from __future__ import annotations

from typing import Any

UI_LANGS = ("zh", "en")

_TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("集成指南生成器", "Integration guide generator"),
    "nav_home": ("集成类型", "Integration types"),
    "nav_guide": ("生成指南", "Create a guide"),
    "nav_review": ("审阅导入", "Review a workbook"),
    "nav_validate": ("校验蓝图", "Validate a blueprint"),
    "home_intro": ("为 CRM 与第三方软件的集成生成完整、可编辑的实施指南（DOCX、Markdown、XLSX、HTML）。"
                   "内容由类型化蓝图确定性生成：相同输入总是得到相同文件。",
                   "Complete, editable implementation guides for CRM ↔ third-party software integrations "
                   "(DOCX, Markdown, XLSX, HTML). The content comes from typed blueprints: the same inputs always "
                   "give the same files."),
    "default_complexity": ("默认复杂度", "Default complexity"),
    "goals": ("业务目标", "Business goals"),
    "create_guide": ("生成此类指南", "Create this guide"),
    "blueprint": ("集成类型", "Integration type"),
    "change_type": ("切换", "Switch"),
    "software": ("第三方软件", "Third-party software"),
    "crm": ("CRM", "CRM"),
    "client": ("客户", "Client"),
    "goals_help": ("选择要保留的目标；每行一个补充目标。", "Keep the goals you need; add your own, one per line."),
    "add_goals": ("补充目标", "Additional goals"),
    "complexity": ("复杂度", "Complexity"),
    "scenario": ("场景", "Scenario"),
    "languages": ("语言", "Languages"),
    "start_date": ("开始日期", "Start date"),
    "start_date_help": ("第 1 周从该日所在周的周一开始，阶段获得日历日期。", "Week 1 starts on this Monday; phases get calendar dates."),
    "people": ("角色人员", "People per role"),
    "formats": ("下载格式", "Download formats"),
    "author": ("作者", "Author"),
    "version": ("文档版本", "Document version"),
    "submit_preview": ("生成预览", "Preview the guide"),
    "preview": ("预览", "Preview"),
    "downloads": ("下载", "Downloads"),
    "download_zip": ("全部（ZIP）", "All (ZIP)"),
    "warnings": ("提示", "Notes"),
    "fix_errors": ("请修正标出的字段。", "Please correct the marked fields."),
    "problems": ("问题", "Problems"),
    "review_intro": ("上传客户审阅过的字段映射工作簿，先查看变更清单（试运行），确认后再应用并下载更新后的蓝图 YAML。",
                     "Upload the field-mapping workbook the client reviewed: see the change list first (dry run), "
                     "then apply it and download the updated blueprint YAML."),
    "workbook": ("工作簿（.xlsx）", "Workbook (.xlsx)"),
    "blueprint_file": ("或上传蓝图文件（.yaml）", "Or upload the blueprint file (.yaml)"),
    "dry_run": ("查看变更（试运行）", "Show the changes (dry run)"),
    "changes": ("变更清单", "Changes"),
    "no_changes": ("无变更：工作簿与蓝图一致。", "No changes: the workbook matches the blueprint."),
    "kind_changed": ("修改", "changed"),
    "kind_added": ("新增", "added"),
    "kind_deleted": ("删除", "deleted"),
    "apply": ("确认并应用", "Apply the changes"),
    "applied": ("已应用变更。", "The changes are applied."),
    "saved_to": ("已保存到", "Saved to"),
    "not_saved": ("服务器未配置导入目录：请下载更新后的蓝图。", "The server has no import folder: download the updated blueprint."),
    "download_yaml": ("下载更新后的蓝图 YAML", "Download the updated blueprint YAML"),
    "expired": ("该审阅已过期，请重新上传工作簿。", "This review has expired; upload the workbook again."),
    "validate_intro": ("上传或粘贴蓝图 YAML：列出每个问题及其行号和出错的行。",
                       "Upload or paste a blueprint YAML: every problem is listed with its line and the offending line."),
    "paste": ("或粘贴 YAML", "Or paste the YAML"),
    "validate": ("校验", "Validate"),
    "valid": ("蓝图有效。", "The blueprint is valid."),
    "invalid": ("蓝图有错误。", "The blueprint has errors."),
    "line": ("行", "line"),
    "expected": ("应为", "expected"),
    "given": ("实际", "given"),
    "hint": ("提示", "hint"),
    "complexity_simple": ("简单", "simple"),
    "complexity_medium": ("中等", "medium"),
    "complexity_high": ("复杂", "high"),
    "scenario_new": ("新建集成", "new integration"),
    "scenario_upgrade": ("升级替换", "upgrade"),
    "lang_zh": ("中文", "Chinese"),
    "lang_en": ("英文", "English"),
    "weeks": ("周", "weeks"),
    # field errors
    "err_required": ("必填项。", "Required."),
    "err_choice": ("请从列表中选择。", "Choose one of the listed values."),
    "err_date": ("日期格式应为 YYYY-MM-DD。", "Expected a date as YYYY-MM-DD."),
    "err_pick_language": ("请至少选择一种语言。", "Choose at least one language."),
    "err_pick_format": ("请至少选择一种格式。", "Choose at least one format."),
    "err_pick_goal": ("请至少保留或填写一个目标。", "Keep or add at least one goal."),
    "err_too_long": ("内容过长。", "Too long."),
    "err_invalid": ("无效的值。", "Invalid value."),
    "err_detail": ("", " ({detail})"),  # pydantic's own words are English: shown on the English page only
}


def t(lang: str, key: str) -> str:
    return _TEXT[key][UI_LANGS.index(lang)]


def words(lang: str) -> dict[str, str]:
    at = UI_LANGS.index(lang)
    return {key: texts[at] for key, texts in _TEXT.items()}


def field_error(lang: str, error: dict[str, Any]) -> str:
    """A pydantic error on a form field, said in the page's language."""
    kind = error["type"]
    if kind == "missing":
        return t(lang, "err_required")
    if kind in ("literal_error", "enum"):
        return t(lang, "err_choice")
    if kind.startswith("date_"):
        return t(lang, "err_date")
    if kind in ("string_too_long", "too_long"):
        return t(lang, "err_too_long")
    return t(lang, "err_invalid") + t(lang, "err_detail").format(detail=error["msg"])
