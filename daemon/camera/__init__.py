"""The camera service's parts: the in-memory reading store and the operations run on the camera worker.

``store`` imports no OpenCV; ``operations`` does and is imported only when a camera is used.
"""
