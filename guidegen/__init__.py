"""guidegen: CRM <-> third-party software integration guides from typed YAML blueprints."""

__version__ = "0.1.0"
