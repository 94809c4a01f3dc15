from lawline.cli.entry import main

main()
