"""``python -m kpi``: see kpi.cli_main (parser, exit codes) and kpi.cli (handlers)."""

import sys

from kpi.cli.main import main

sys.exit(main())
