"""Optional: a staff password checked by the city's directory (LDAP simple bind over TLS).

Local accounts stay the default. With ``[options.staff] ldap_url`` set, an account created as a
directory account (``frontyard-staff add S0042 … --directory``) keeps no password of its own: its password
is checked by binding to the directory as ``ldap_user_dn`` with ``{staff_id}`` filled in. Everything else
about the account — roles, display name, disabled, TOTP, lockout — stays local, so a directory that says
"yes" still cannot sign in a disabled or unknown account.

Only TLS: ``ldaps://`` (TLS from the start) or ``ldap://`` followed by StartTLS; the server's certificate
is checked against ``ldap_ca_file`` (or the system's CAs) and its host name. A refused bind, an
unreachable directory and a TLS failure all answer "not this password" (the caller refuses the sign-in
the one way it refuses everything); the reason is logged without the password or the staff id's DN.
"""

from __future__ import annotations

import logging
import math
import ssl
from typing import Any

from ..options import StaffOptions

_LOGGER = logging.getLogger(__name__)


def staff_directory(options: StaffOptions) -> LdapDirectory | None:
    """The configured directory, or None (local accounts only: the default)."""
    return LdapDirectory(options) if options.ldap_url else None


class LdapDirectory:
    def __init__(self, options: StaffOptions) -> None:
        import ldap3  # only when a directory is configured (the daemon starts without it otherwise)

        self._ldap3: Any = ldap3
        self.url = options.ldap_url  # ldaps://dir.city.example:636 or ldap://dir.city.example (StartTLS)
        self.user_dn = options.ldap_user_dn  # "uid={staff_id},ou=people,dc=city,dc=example"
        self.timeout_s = options.ldap_timeout_s
        self.receive_timeout_s = max(1, math.ceil(self.timeout_s))  # ldap3 packs it as a whole number
        tls = ldap3.Tls(
            validate=ssl.CERT_REQUIRED,
            version=ssl.PROTOCOL_TLS_CLIENT,
            ca_certs_file=str(options.ldap_ca_file) if options.ldap_ca_file else None,
        )
        self._server = ldap3.Server(
            self.url,
            use_ssl=self.url.startswith("ldaps://"),
            tls=tls,
            connect_timeout=self.timeout_s,
            get_info=ldap3.NONE,
        )

    def check(self, staff_id: str, password: str) -> bool:
        """True when the directory accepts ``password`` for ``staff_id`` over TLS."""
        if not password:  # an empty password is an unauthenticated bind, which servers accept: never
            return False
        from ldap3.core.exceptions import LDAPException
        from ldap3.utils.dn import escape_rdn

        user = self.user_dn.format(staff_id=escape_rdn(staff_id))
        connection = self._ldap3.Connection(
            self._server, user=user, password=password, receive_timeout=self.receive_timeout_s
        )
        try:
            if not self.url.startswith("ldaps://"):
                connection.open()
                if not connection.start_tls():
                    _LOGGER.warning("directory refused StartTLS")
                    return False
            return bool(connection.bind())
        except LDAPException as error:
            _LOGGER.warning("directory check failed", extra={"error": type(error).__name__})
            return False
        finally:
            connection.unbind()
