"""Placeholders in blueprint texts, filled by a sandboxed Jinja2 environment.

Only blueprint texts are templates. Values (software, CRM and client names, engagement
variables) are inserted as data: they are never rendered themselves, and Markdown characters
in them are escaped so that a name cannot turn into formatting. Undefined names, attribute
access to internals and unsafe calls are errors.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from guidegen.core.text import (  # noqa: F401 - re-exported
    XML_FORBIDDEN,
    clean_text,
    escape_markdown,
    has_forbidden_chars,
)


def _finalize(value: Any) -> Any:
    # Every {{ expression }} yields engagement data (names, variables): escape it so that it
    # reads literally in the Markdown the text is part of.
    return escape_markdown(value) if isinstance(value, str) else value


class TemplateProblem(Exception):
    """A placeholder could not be filled; carries a readable reason."""


@lru_cache(maxsize=1)
def _environment() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        keep_trailing_newline=True,
    )


# Blueprint texts need placeholders, filters and if/else; nothing that loops, calls, imports,
# reaches into objects or multiplies (the ways a template can hang, escape or exhaust memory).
_FORBIDDEN_NODES = (
    nodes.For, nodes.Macro, nodes.CallBlock, nodes.Call, nodes.Import, nodes.FromImport,
    nodes.Include, nodes.Extends, nodes.Block, nodes.Assign, nodes.AssignBlock, nodes.With,
    nodes.FilterBlock, nodes.Getattr, nodes.Getitem, nodes.Pow, nodes.Mul, nodes.Slice,
)
_ALLOWED_FILTERS = {"upper", "lower", "title", "capitalize", "trim", "default", "d", "replace", "join", "length", "string"}


@lru_cache(maxsize=4096)
def _compile(source: str) -> jinja2.Template:
    env = _environment()
    tree = env.parse(source)
    for node in tree.find_all(_FORBIDDEN_NODES):
        raise TemplateProblem(
            f"'{type(node).__name__}' is not allowed in blueprint texts "
            "(only {{ placeholders }}, filters and {% if %} are)"
        )
    for node in tree.find_all(nodes.Filter):
        if node.name not in _ALLOWED_FILTERS:
            raise TemplateProblem(
                f"filter '{node.name}' is not allowed; allowed: {', '.join(sorted(_ALLOWED_FILTERS))}"
            )
    return env.from_string(tree)


def needs_rendering(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


def render_text(text: str, context: dict[str, Any]) -> str:
    """Fill the placeholders of one blueprint text; raise TemplateProblem on failure."""
    if not needs_rendering(text):
        return text
    try:
        template = _compile(text)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"template syntax error: {exc.message} (line {exc.lineno} of the text)") from None
    try:
        return template.render(context)
    except jinja2.UndefinedError as exc:
        known = ", ".join(sorted(k for k in context))
        raise TemplateProblem(f"unknown placeholder: {exc.message}; known: {known}") from None
    except SecurityError as exc:
        raise TemplateProblem(f"unsafe template: {exc}") from None
    except (TypeError, ValueError, ArithmeticError, OverflowError, RecursionError) as exc:
        raise TemplateProblem(f"template error: {exc}") from None
