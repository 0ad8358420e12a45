"""The `malark` command line. Each command parses options, calls one `malark.api` function
and presents the result; `MalarkGroup` is the one place that turns failures into exit
code 2 with a Swedish message.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from malark import __version__, api
from malark.errors import MalarkError

EXIT_OK, EXIT_FINDINGS, EXIT_CANNOT_RUN = 0, 1, 2


class MalarkGroup(click.Group):
    """Runs a command; a `MalarkError` or any unexpected failure becomes exit code 2 with
    a message, never a traceback (set MALARK_DEBUG=1 to see one)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MalarkError as error:
            click.echo(f"Fel: {error}", err=True)
            ctx.exit(EXIT_CANNOT_RUN)
        except KeyboardInterrupt:
            click.echo("Avbrutet.", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:  # noqa: BLE001 - the promise is: no traceback for users
            if os.environ.get("MALARK_DEBUG"):
                traceback.print_exc()
            click.echo(
                f"Internt fel i malark ({type(error).__name__}: {error}). Inget har skrivits "
                "över. Kör igen med MALARK_DEBUG=1 och skicka utskriften till den som "
                "förvaltar malark.",
                err=True,
            )
            ctx.exit(EXIT_CANNOT_RUN)


@click.group(cls=MalarkGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="malark")
def cli() -> None:
    """malark – målstyrning i Excel för svenska kommuner.

    Skapar standardiserade arbetsböcker per nämnd, kontrollerar dem som nämnderna
    skickar tillbaka och sammanställer dem till en uppföljning för KS och KF.
    """


@cli.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--year", "budget_year", type=click.IntRange(2000, 2100), default=2027,
              show_default=True, help="Budgetåret för exemplets målmodell.")
@click.option("--force", is_flag=True, help="Skriv över en befintlig målmodell i mappen.")
def init_command(directory: Path, budget_year: int, force: bool) -> None:
    """Skapa en exempelmålmodell och årets mappar i DIRECTORY, redo för demo."""
    paths = api.init_project(directory, budget_year=budget_year, force=force)
    click.echo(f"Målmodell: {paths.model}")
    click.echo(f"Mappar:    {paths.sent}, {paths.returned}, {paths.consolidated}")
    click.echo(f"Läs {paths.root / 'README.md'} för nästa steg.")


@cli.command("demo")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path),
                default="malark-demo")
def demo_command(directory: Path) -> None:
    """Kör hela kedjan på exemplet med simulerade svar från nämnderna."""
    from malark.demo import run_demo

    result = run_demo(directory, report=click.echo)
    click.echo("")
    click.echo(f"Klart. Sammanställningen finns i: {result.final_output}")


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="malark")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
