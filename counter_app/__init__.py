"""KESCO offline-first cash counter."""

__version__ = "0.1.0"
