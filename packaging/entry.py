"""What the packaged executable runs: the same entry point as the `counter-app` script."""

from counter_app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
