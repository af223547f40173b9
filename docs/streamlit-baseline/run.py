"""One-file launcher for the baseline portal: the usual PyInstaller pattern.

Built with (see ../streamlit-baseline.md):

    pyinstaller --onefile --name centermind-portal \
        --collect-all streamlit --copy-metadata streamlit \
        --hidden-import sqlite3 --hidden-import PIL.ImageDraw --add-data portal.py:. run.py

At start the one-file executable unpacks itself into a fresh _MEIxxxx folder
in the temp directory; portal.py is found there through sys._MEIPASS.
Extra command-line arguments are passed on to `streamlit run`.
"""

import os
import sys

from streamlit.web import cli


def main() -> int:
    base = getattr(sys, "_MEIPASS", os.path.dirname(os.path.abspath(__file__)))
    sys.argv = [
        "streamlit", "run", os.path.join(base, "portal.py"),
        "--global.developmentMode=false",
        *sys.argv[1:],
    ]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
