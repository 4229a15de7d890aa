"""The gRPC servicers of kiosk.v1, one module per service. They read cached state and raise domain errors."""
