"""What the packaged executable runs: the same entry point as the `counter-app` script."""

import multiprocessing

from counter_app.cli import main

if __name__ == "__main__":
    # the consumer snapshot's loader is a spawned process (counter_app/sync/snapshot_load.py):
    # in the frozen executable it starts as this program, which must hand it over at once
    multiprocessing.freeze_support()
    raise SystemExit(main())
