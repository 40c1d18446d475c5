from send_cli.cli import main

main()
