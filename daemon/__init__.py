"""The Frontyard device daemon: a gRPC server that owns the kiosk's devices and runs its flows."""
