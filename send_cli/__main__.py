"""python -m send_cli: the same as the send-cli command."""

from send_cli.cli import main

main()
