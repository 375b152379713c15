"""`python -m guidegen` runs the command-line interface."""

from .cli import main

main()
