"""How a content type is declared once and becomes two pydantic models.

A declaration is a plain class with annotated fields (``pydantic.Field`` for defaults and
descriptions), written with three marker types where the two sides differ:

- :class:`Text` — per-language ``{zh, en}`` text in a blueprint, one final string in the Guide;
- :class:`Ident` — a validated identifier in a blueprint, any string in the Guide (an owner id
  becomes a printed role name there);
- :class:`IdList` — one id or a list of ids in a blueprint, a list of strings in the Guide.

``GuideOnly[X]`` fields exist only in the resolved Guide (the resolver computes them);
``BlueprintOnly[X]`` fields only in the blueprint (the resolver consumes them). Everything
else is shared. :func:`derive` builds the model of one side; nested declarations are replaced
by their own derived models, so one declaration tree gives the blueprint schema and the Guide.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, Field

from guidegen.core.vocab import Lang, Trait
from pydantic.fields import FieldInfo

T = TypeVar("T")
DECLARATIONS: dict[str, type["Declaration"]] = {}


class Text:
    """Marker: a text (Markdown, placeholders) given per language in a blueprint."""


class Ident:
    """Marker: an identifier."""


class IdList:
    """Marker: a list of identifiers (a blueprint may give a single one)."""


_GUIDE_ONLY = "guide-only"
_BLUEPRINT_ONLY = "blueprint-only"
GuideOnly = Annotated[T, _GUIDE_ONLY]
BlueprintOnly = Annotated[T, _BLUEPRINT_ONLY]
SIDES = ("blueprint", "guide")


class Declaration:
    """Base of every content declaration; each subclass is registered by name, once."""

    # Methods defined on a declaration go to both derived models; side-specific ones come as
    # mixins given to the Side.

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__module__ == __name__ or cls.__dict__.get("__abstract__"):
            return
        if cls.__name__ in DECLARATIONS:
            raise ContentMismatch(f"content type {cls.__name__} declared twice")
        DECLARATIONS[cls.__name__] = cls


class Item(Declaration):
    """A list item: in a blueprint it may carry ``when`` (and ``omit`` to drop an inherited one)
    and cite the sources its facts come from."""

    applies_to: BlueprintOnly[list[Trait]] = Field(
        default_factory=list,
        description="Kinds of integration this item is for (e.g. marketing_consent, payment_cards): a blueprint whose "
        "traits include none of them leaves it out (empty: every blueprint).",
    )
    sources: BlueprintOnly[IdList] = Field(
        default_factory=list,
        description="Ids of the sources (in 'sources') this item's facts come from; cited sources make the guide's References.",
    )
    stale: BlueprintOnly[dict[str, list[Lang]]] = Field(
        default_factory=dict,
        description="Texts awaiting translation: a text field's name -> the languages whose text is older than another "
        "language's (import-mapping sets it when a review changes one language; delete the entry once translated). "
        "The guide in such a language marks the text, and 'validate --strict' lists it.",
    )


class Section(Declaration):
    """A container of items (a chapter or part of one)."""


class GuideKind(Declaration):
    """A type that exists only in the resolved Guide (computed by the resolver)."""


class ContentMismatch(TypeError):
    """A blueprint item and its Guide item do not line up: a bug in a declaration."""


class Side:
    """How one side spells the markers, and the bases its models get."""

    def __init__(self, name: str, markers: dict[type, Any], bases: dict[type, type[BaseModel]],
                 mixins: dict[str, tuple[type, ...]] | None = None, module: str = __name__) -> None:
        self.name = name
        self.markers = markers
        self.bases = bases
        self.mixins = mixins or {}
        self.module = module
        self.models: dict[type, type[BaseModel]] = {}

    def export(self, namespace: dict[str, Any]) -> list[str]:
        """Put the derived model of every declaration this side has into ``namespace`` (a
        module's globals) under the declaration's name; returns the names."""
        names = []
        for name, declaration in DECLARATIONS.items():
            if self.name == "blueprint" and issubclass(declaration, GuideKind):
                continue
            namespace[name] = self.model(declaration)
            names.append(name)
        return names

    def model(self, declaration: type[Declaration]) -> type[BaseModel]:
        """The derived model of a declaration (built once per side)."""
        found = self.models.get(declaration)
        if found is None:
            found = self.models[declaration] = self._build(declaration)
        return found

    def _build(self, declaration: type[Declaration]) -> type[BaseModel]:
        if self.name == "blueprint" and issubclass(declaration, GuideKind):
            raise ContentMismatch(f"{declaration.__name__} exists only in the Guide")
        base = next(b for kind, b in self.bases.items() if issubclass(declaration, kind))
        namespace: dict[str, Any] = {"__module__": self.module, "__doc__": declaration.__doc__,
                                     "__qualname__": declaration.__name__, "__annotations__": {}}
        for name, annotation, info in fields_of(declaration):
            only = _side_marker(annotation)
            if only == _GUIDE_ONLY and self.name != "guide" or only == _BLUEPRINT_ONLY and self.name != "blueprint":
                continue
            namespace["__annotations__"][name] = self.substitute(annotation)
            if info is not None:
                namespace[name] = self._copy_info(info)
        for name, value in vars(declaration).items():
            if name == "__test__" or not name.startswith("__") and (
                callable(value) or isinstance(value, (property, staticmethod, classmethod))
            ):
                namespace[name] = value
        bases = self.mixins.get(declaration.__name__, ()) + (base,)
        return typing.cast(type[BaseModel], type(declaration.__name__, bases, namespace))

    def _copy_info(self, info: FieldInfo) -> FieldInfo:
        """A copy of a field's settings; a declaration as default factory becomes this side's model."""
        factory = info.default_factory
        if isinstance(factory, type) and issubclass(factory, Declaration):
            return FieldInfo.merge_field_infos(info, default_factory=self.model(factory))
        return FieldInfo.merge_field_infos(info)

    def substitute(self, annotation: Any) -> Any:
        """The annotation with markers and nested declarations replaced for this side."""
        if annotation in self.markers:
            return self.markers[annotation]
        if isinstance(annotation, type) and issubclass(annotation, Declaration):
            return self.model(annotation)
        origin = get_origin(annotation)
        if origin is None:
            return annotation
        args = get_args(annotation)
        if origin is Annotated:
            inner = self.substitute(args[0])
            metadata = [m for m in annotation.__metadata__ if m not in (_GUIDE_ONLY, _BLUEPRINT_ONLY)]
            return Annotated[(inner, *metadata)] if metadata else inner  # type: ignore[valid-type]
        if origin in (Union, types.UnionType):
            return Union[tuple(self.substitute(a) for a in args)]  # type: ignore[return-value]
        if origin is list:
            return list[self.substitute(args[0])]  # type: ignore[misc]
        if origin is tuple:
            return tuple[tuple(self.substitute(a) for a in args)]  # type: ignore[misc]
        return annotation


def fields_of(declaration: type) -> list[tuple[str, Any, FieldInfo | None]]:
    """(name, annotation, field info) of a declaration, base classes first."""
    out: dict[str, tuple[str, Any, FieldInfo | None]] = {}
    for cls in reversed(declaration.__mro__):
        if cls is object or not issubclass(cls, Declaration):
            continue
        hints = typing.get_type_hints(cls, include_extras=True, localns=_module_namespace(cls))
        for name in cls.__dict__.get("__annotations__", {}):
            info = cls.__dict__.get(name)
            out[name] = (name, hints[name], info if isinstance(info, FieldInfo) else None)
    return list(out.values())


def _module_namespace(cls: type) -> dict[str, Any]:
    import sys

    return dict(vars(sys.modules[cls.__module__]))


def _side_marker(annotation: Any) -> str | None:
    if get_origin(annotation) is Annotated:
        for marker in (_GUIDE_ONLY, _BLUEPRINT_ONLY):
            if marker in annotation.__metadata__:
                return marker
    return None




def side_fields(declaration: type, side: str) -> set[str]:
    """Names of the fields a declaration has on one side."""
    skip = _BLUEPRINT_ONLY if side == "guide" else _GUIDE_ONLY
    return {name for name, annotation, _ in fields_of(declaration) if _side_marker(annotation) != skip}


def conversion_plan(source: type[BaseModel], target: type[BaseModel], ignore: frozenset[str]) -> tuple[list[str], list[str]]:
    """Fields copied from ``source`` to ``target``, and those the caller must supply.

    A source field that the target lacks must be declared blueprint-only (or be one of
    ``ignore``: ``when``/``omit``); anything else is a declaration bug and fails loudly.
    """
    src, dst = set(source.model_fields), set(target.model_fields)
    declaration = DECLARATIONS.get(target.__name__)
    if declaration is not None:
        blueprint_only = side_fields(declaration, "blueprint") - side_fields(declaration, "guide")
        guide_only = side_fields(declaration, "guide") - side_fields(declaration, "blueprint")
    else:
        blueprint_only, guide_only = set(), set()
    stray = src - dst - blueprint_only - ignore
    if stray:
        raise ContentMismatch(f"{source.__name__} has field(s) {sorted(stray)} that {target.__name__} lacks")
    unknown = dst - src - guide_only
    if unknown:
        raise ContentMismatch(f"{target.__name__} has field(s) {sorted(unknown)} that {source.__name__} lacks")
    return [name for name in target.model_fields if name in src], sorted(guide_only & dst)


