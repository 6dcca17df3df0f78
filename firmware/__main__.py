"""`python -m firmware`: the same as the `opennmc` command."""

import sys

from firmware.cli import main

sys.exit(main())
