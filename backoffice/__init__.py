"""The back office: the central PostgreSQL database many terminals forward to (docs/FLEET.md).

``schema/NNNN_name.sql`` are the versioned migrations (``frontyard-backoffice migrate``), ``records`` the
row shapes shared by the terminals' forwarder (``daemon/fleet``) and the back-office console.
"""
