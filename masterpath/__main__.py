from masterpath.cli import main

main()
