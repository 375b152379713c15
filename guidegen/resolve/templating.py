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

from guidegen.core import budget
from guidegen.core.text import (  # noqa: F401 - re-exported
    XML_FORBIDDEN,
    clean_text,
    escape_markdown,
    escape_name,
    has_forbidden_chars,
    unescape_markdown,
)


def _finalize(value: Any) -> Any:
    # Every {{ expression }} yields engagement data (names, variables): escape it so that it
    # reads literally in the Markdown the text is part of.
    return escape_name(value) if isinstance(value, str) else value


class TemplateProblem(Exception):
    """A placeholder could not be filled; carries a readable reason."""


@lru_cache(maxsize=1)
def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        keep_trailing_newline=True,
    )
    _confine(env)
    return env


def _confine(env: ImmutableSandboxedEnvironment) -> None:
    """No globals (range, lipsum, cycler, namespace, ...: only the declared placeholders are
    names), and the filters that can multiply their input bounded by the output budget."""
    env.globals.clear()
    env.filters["replace"] = _bounded_replace
    env.filters["join"] = _bounded_join


def _check_growth(projected: int) -> None:
    limit = budget.current().template_output_chars
    if projected > limit:
        raise TemplateProblem(f"input beyond the budget: the text would grow to {projected:,} characters "
                              f"(at most {limit:,})")


def _bounded_replace(value: Any, old: Any, new: Any, count: Any = None) -> str:
    text, old, new = str(value), str(old), str(new)
    times = text.count(old) if old else len(text) + 1
    if count is not None:
        times = min(times, int(count))
    _check_growth(len(text) + times * (len(new) - len(old)))
    return text.replace(old, new, -1 if count is None else int(count))


def _bounded_join(value: Any, separator: Any = "", attribute: Any = None) -> str:
    if attribute is not None:
        raise TemplateProblem("the 'join' filter takes no attribute in blueprint texts")
    items = [str(item) for item in value]
    separator = str(separator)
    _check_growth(sum(map(len, items)) + len(separator) * max(len(items) - 1, 0))
    return separator.join(items)


# Blueprint texts need placeholders, filters and if/else; nothing that loops, calls, imports,
# reaches into objects or multiplies (the ways a template can hang, escape or exhaust memory).
_FORBIDDEN_NODES = (
    nodes.For, nodes.Macro, nodes.CallBlock, nodes.Call, nodes.Import, nodes.FromImport,
    nodes.Include, nodes.Extends, nodes.Block, nodes.Assign, nodes.AssignBlock, nodes.With,
    nodes.FilterBlock, nodes.Getattr, nodes.Getitem, nodes.Pow, nodes.Mul, nodes.Mod, nodes.Slice,
)
_ALLOWED_FILTERS = {"upper", "lower", "title", "capitalize", "trim", "default", "d", "replace", "join", "length", "string"}


def _nesting(source: str) -> int:
    """The deepest bracket nesting in a text (the template parser recurses once per level)."""
    depth = deepest = 0
    for char in source:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth = max(depth - 1, 0)
    return deepest


def _check_source(source: str) -> None:
    limits = budget.current()
    if len(source) > limits.template_chars:
        raise TemplateProblem(f"input beyond the budget: a text with placeholders has {len(source):,} characters "
                              f"(at most {limits.template_chars:,})")
    depth = _nesting(source)
    if depth > limits.template_depth:
        raise TemplateProblem(f"input beyond the budget: brackets nested {depth} deep in a text with placeholders "
                              f"(at most {limits.template_depth})")


@lru_cache(maxsize=4096)
def _compile(source: str) -> jinja2.Template:
    env = _environment()
    _check_source(source)
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
    except (RecursionError, ValueError, OverflowError, MemoryError) as exc:  # huge literals, deep expressions
        raise TemplateProblem(f"template error: {type(exc).__name__}: {str(exc)[:200]}") from None
    try:
        rendered = template.render(context)
        _check_growth(len(rendered))
        return rendered
    except jinja2.UndefinedError as exc:
        known = ", ".join(sorted(k for k in context))
        raise TemplateProblem(f"unknown placeholder: {exc.message}; known: {known}") from None
    except SecurityError as exc:
        raise TemplateProblem(f"unsafe template: {exc}") from None
    except (TypeError, ValueError, ArithmeticError, OverflowError, RecursionError, MemoryError) as exc:
        raise TemplateProblem(f"template error: {type(exc).__name__}: {str(exc)[:200]}") from None
