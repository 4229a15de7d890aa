"""``frontyard-daemon discover``: what is attached to this PC, and a configuration proposed for it.

| module       | finds                                                      | from                         |
|--------------|------------------------------------------------------------|------------------------------|
| ``pcsc``     | card readers, and whether a card is in                     | pcscd (pyscard)              |
| ``usb``      | receipt printers by vendor/product id (``usb_printers.csv``) | sysfs ``bus/usb/devices``  |
| ``network``  | IPP printers announced by DNS-SD; local CUPS queues        | ``avahi-browse``, ``lpstat`` |
| ``cameras``  | V4L2 cameras and their pixel formats                       | sysfs + ``VIDIOC_ENUM_FMT``  |
| ``serial``   | serial ports; optionally a ZVT terminal answering on one   | pyserial ``list_ports``      |

Each finder returns ``Found`` records and never raises: a missing tool or service becomes a note.
``proposal.propose`` picks one device per kind and writes the ``[devices.*]`` tables.
"""
