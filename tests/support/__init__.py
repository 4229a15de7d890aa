"""Helpers the tests share: starting real processes and waiting for them."""
