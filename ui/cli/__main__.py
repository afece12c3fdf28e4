"""`python -m ui.cli` runs the console command."""

import sys

from ui.cli import main

sys.exit(main())
