"""``python -m netfence``."""

from netfence.cli.app import main

main()
