"""Fonts, icons and translations, compiled into the Qt resource module `rc_counter` (see build.py)."""
