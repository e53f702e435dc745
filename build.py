#!/usr/bin/env python3
"""Model Atlas: `python build.py` builds the site; `python build.py --help` lists the commands."""

import sys

from atlas.cli import main

if __name__ == "__main__":
    sys.exit(main())
