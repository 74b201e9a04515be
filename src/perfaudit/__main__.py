"""``python -m perfaudit``: the same command line as ``perfaudit``."""

from .cli import program

if __name__ == "__main__":
    program()
