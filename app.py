"""The dashboard application and the `border-dashboard` command line."""

from __future__ import annotations

import argparse
import sys

from data import cli as data_cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="border-dashboard", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    data_cli.add_commands(commands)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
