from statusgen.cli import main

raise SystemExit(main())
