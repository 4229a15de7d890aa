"""Camera simulator: MJPEG over HTTP of rendered ID documents and QR slips."""
