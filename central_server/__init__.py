"""Reference central server: receives counter records exactly once, feeds consumer master data,
and keeps collecting through month-end closing."""

__version__ = "0.1.0"
