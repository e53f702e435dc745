#!/usr/bin/env python3
"""Model Atlas: `python build.py` builds the site; `python build.py --help` lists the commands."""

import os
import sys
from pathlib import Path

from atlas.cli import main

if __name__ == "__main__":
    # The project is the folder this file is in (not where a symlink to it points).
    sys.exit(main(root=Path(os.path.abspath(__file__)).parent))
