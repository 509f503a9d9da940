"""``python -m optiviz ...`` is the ``optiviz`` command."""

import sys

from optiviz.cli import main

if __name__ == "__main__":
    sys.exit(main())
