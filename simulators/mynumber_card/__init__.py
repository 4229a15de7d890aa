"""Virtual My Number card behind pcscd + vpcd (see server.py for the control API)."""
