"""``python -m simulators.zvt_terminal [--port 0] [--control-port 0] [--state-dir DIR] [--pty] [--bare]``."""

import sys

from simulators.zvt_terminal.server import main

sys.exit(main())
