"""One builder per chapter, in document order (the front matter is built separately)."""

from __future__ import annotations

from guidegen.document.chapters import (
    architecture,
    data,
    implementation,
    operations,
    overview,
    references,
    summary,
    testing,
)

CHAPTERS = (overview.build, architecture.build, implementation.build, data.build, testing.build, operations.build,
            summary.build, references.build)
