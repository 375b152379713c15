"""Blueprints: the YAML schema, loading with locations, shared fragments and checks."""
