"""ZVT payment terminal driver (the first adapter of ``drivers.payment``).

``open_device("socket://127.0.0.1:20007").sale(1, 300, PaymentMethod.QR, progress)``; see ``terminal``
for URI formats and the operation table, ``commands`` for the Japan extension in BMP 06.
"""

from drivers.zvt.frames import ZvtFrameError
from drivers.zvt.terminal import DRIVER, ZvtTerminal, ZvtTimers, open_device

__all__ = ["DRIVER", "ZvtFrameError", "ZvtTerminal", "ZvtTimers", "open_device"]
