"""`python -m govwatch` runs the command line."""

from govwatch.cli import main

main()
