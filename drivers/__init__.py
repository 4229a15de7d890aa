"""Device drivers: plain Python over a transport, one package per device class.

Drivers import nothing of ours above them (no gRPC, no daemon). Each driver package exports
``DRIVER: DriverInfo`` and ``open_device(uri: str) -> Device`` (see ``drivers.base``).
"""
