"""``python -m lead_scoring.demo``: see :mod:`lead_scoring.demo.cli`."""

from .cli import main

raise SystemExit(main())
