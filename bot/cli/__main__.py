"""`python -m bot.cli.main ...`, the same as `salescoach ...`."""

import sys

from bot.cli.main import main

sys.exit(main())
