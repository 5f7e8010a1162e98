"""``python -m kit.sandbox``: serve the sandbox in the foreground."""

from kit.sandbox import main

raise SystemExit(main())
