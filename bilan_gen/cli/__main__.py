"""``python -m bilan_gen.cli``."""

from bilan_gen.cli import main

main()
