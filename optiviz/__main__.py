"""``python -m optiviz ...`` is the ``optiviz`` command."""

import sys

from optiviz.cli import main

sys.exit(main())
