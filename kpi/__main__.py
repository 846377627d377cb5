"""``python -m kpi``: see kpi.cli.main (parser, exit codes) and the handler modules beside it."""

import sys

from kpi.cli.main import main

sys.exit(main())
