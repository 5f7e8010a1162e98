"""``python -m kit``: the command line (see kit.cli)."""

from .cli import main

raise SystemExit(main())
