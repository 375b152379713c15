"""Content declarations: each kind of content written once (models that only need stdlib and pydantic)."""
