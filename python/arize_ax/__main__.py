"""``python -m arize_ax ...`` runs the ``ax`` command line."""

from ._cli import main

main()
