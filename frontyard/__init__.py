"""The front-yard domain: procedures, life events, forms, certificates and fees. Pure Python, no I/O."""
