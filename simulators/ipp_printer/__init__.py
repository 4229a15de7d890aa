"""A virtual A4 IPP printer: stores each PDF job, renders PNG previews, prints page by page with faults.

Run ``python -m simulators.ipp_printer [--host 127.0.0.1] [--port 0] [--control-port 0] [--state-dir DIR]
[--ppm 30]``; it prints one JSON ready line with the ``ipp://…/ipp/print`` endpoint and the control URL.
Control API (JSON over HTTP): ``GET /state``; ``POST /media {"state": "ok"|"empty"}``, ``/jam {"on"}``,
``/offline {"on"}``, ``/speed {"ppm"}``, ``/media_empty_after_pages {"n"}``, ``/garbage_response {"on"}``,
``/clear``.
"""
