"""Each content type is declared once; the blueprint and Guide models derive from it."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from guidegen.blueprint import schema as bp
from guidegen.content.declare import DECLARATIONS, ContentMismatch, GuideKind, conversion_plan, side_fields
from guidegen.core.text import Conditional
from guidegen.guide import model

IGNORE = frozenset(Conditional.model_fields)


def test_every_declaration_has_its_models_on_each_side() -> None:
    for name, declaration in DECLARATIONS.items():
        guide = getattr(model, name)
        assert set(guide.model_fields) == side_fields(declaration, "guide"), name
        if issubclass(declaration, GuideKind):
            assert not hasattr(bp, name) or getattr(bp, name) is not guide
            continue
        blueprint = getattr(bp, name)
        assert set(blueprint.model_fields) - IGNORE == side_fields(declaration, "blueprint"), name
        assert blueprint.__doc__ == guide.__doc__ == declaration.__doc__


def test_blueprint_and_guide_fields_line_up_for_every_content_type() -> None:
    for name, declaration in DECLARATIONS.items():
        if issubclass(declaration, GuideKind):
            continue
        shared, guide_only = conversion_plan(getattr(bp, name), getattr(model, name), IGNORE)
        assert set(shared) | set(guide_only) == set(getattr(model, name).model_fields), name


def test_a_field_on_one_side_only_fails_loudly() -> None:
    class Goal(BaseModel):  # a blueprint goal with a field the Guide lacks
        id: str
        title: str
        statement: str
        value: str | None = None
        kpi: str | None = None
        priority: str = Field("high")

    with pytest.raises(ContentMismatch, match="priority"):
        conversion_plan(Goal, model.Goal, IGNORE)


def test_the_resolver_must_compute_guide_only_fields() -> None:
    from guidegen.resolve.resolver import _Context

    ctx = _Context.__new__(_Context)  # only convert() is exercised, which needs no state here
    member = bp.TeamMember(id="pm", responsibilities="Runs the project")
    with pytest.raises(ContentMismatch, match="name"):
        ctx.convert(member, model.TeamMember, ("implementation", "team", 0))


def test_texts_are_per_language_in_blueprints_and_plain_in_the_guide() -> None:
    goal = bp.Goal(id="G1", title={"zh": "目标", "en": "Goal"}, statement="Both")
    assert goal.title.get("zh") == "目标" and goal.statement.get("en") == "Both"
    assert model.Goal.model_fields["title"].annotation is str
