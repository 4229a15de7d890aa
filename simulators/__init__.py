"""Virtual devices, each a separate process behind the device's real transport.

Simulators import no driver and no daemon code: a simulator shares no code with the thing it tests.
"""
