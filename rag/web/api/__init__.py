"""The partner and staff HTTP APIs' logic: keys at the gate, JSON errors, answers, documents.

``ui/api.py`` wires these to FastAPI routes under ``/api/v1`` and ``/v1``.
"""
