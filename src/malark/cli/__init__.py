"""The command line (`malark …`): click commands that each call one `malark.api` function.

`commands` declares the commands, `click_sv` puts click's own messages in Swedish and
`docgen` writes the generated reference pages (`make docs`)."""

from malark.cli.commands import cli, main

__all__ = ["cli", "main"]
