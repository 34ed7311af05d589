from iamlint.cli import main

main()
