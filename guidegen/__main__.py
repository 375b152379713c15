"""`python -m guidegen` runs the command-line interface."""

from guidegen.app.cli import main

main()
