"""The card service's parts: the card monitor (reader and card changes → events and sessions)."""
