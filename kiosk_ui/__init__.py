"""The kiosk's browser UI and the small ASGI server that bridges it to the daemon over gRPC."""
