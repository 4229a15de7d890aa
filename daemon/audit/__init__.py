"""The tamper-evident audit log: who did what to which resource, and why (never personal data)."""
