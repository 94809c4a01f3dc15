from lawline.cli import main

main()
