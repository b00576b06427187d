"""Zezhou 5G+ shared library.

Subpackages: ``common``, ``tourism``, ``medical``, ``agri``, ``transport`` hold code generated
from ``proto/`` (do not edit; run ``make proto``); ``platform`` holds the hand-written helpers every
service uses (settings, Kafka, Redis, gRPC, SQL, logging, metrics); ``vision`` the ONNX runtime
layer for the camera scenarios.
"""
