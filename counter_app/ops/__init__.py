"""IT operations: log files, backups and restore, the daily backup, first-run setup, the doctor and
the packaged executable's smoke test. Nothing here imports Qt at module level."""
