"""The consumer's side (issue 15): the disconnection check, the field API for handheld devices and
the payment confirmations sent to consumers' phones. Tables in models.py (migration 0009)."""
