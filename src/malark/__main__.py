"""`python -m malark` runs the CLI."""

from malark.cli import main

if __name__ == "__main__":
    main()
