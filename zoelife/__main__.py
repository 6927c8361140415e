from zoelife.cli import main

raise SystemExit(main())
