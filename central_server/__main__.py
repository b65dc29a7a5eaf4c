from central_server.cli import main

raise SystemExit(main())
