from lawline.cli.main import main

main()
