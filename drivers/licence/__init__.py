"""運転免許証 IC chip driver over the My Number reader's PC/SC transport (see ``reader.py``)."""

from drivers.licence.errors import LicenceDataError, LicencePinBlocked, NotDriversLicence
from drivers.licence.jis import PLACEHOLDER, LicenceText, Placeholder
from drivers.licence.reader import DriversLicenceReader, LicencePinStatus
from drivers.licence.records import CommonData, DriversLicence, Glyph, LicenceMatters

__all__ = [
    "PLACEHOLDER",
    "CommonData",
    "DriversLicence",
    "DriversLicenceReader",
    "Glyph",
    "LicenceDataError",
    "LicenceMatters",
    "LicencePinBlocked",
    "LicencePinStatus",
    "LicenceText",
    "NotDriversLicence",
    "Placeholder",
]
