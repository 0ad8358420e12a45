"""The `malark` command line. Each command parses options, calls one `malark.api` function
and presents the result; `MalarkGroup` is the one place that turns failures into exit
code 2 with a Swedish message.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import traceback
from pathlib import Path

import click

from malark import __version__, api
from malark.cli import click_sv
from malark.core.contract import PERIODS
from malark.core.errors import MalarkError, os_error_message
from malark.core.text import display_path, printable

EXIT_OK, EXIT_FINDINGS, EXIT_CANNOT_RUN = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143
click_sv.install()  # click's error messages in Swedish (before the commands are declared)


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind like Ctrl-C, so workers stop and no temporary
    file is left behind."""


def _stop_on_signals() -> None:
    def stop(signum, _frame):
        raise Terminated(signum)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            with contextlib.suppress(ValueError, OSError):  # not the main thread
                signal.signal(getattr(signal, name), stop)


class MalarkGroup(click.Group):
    """Runs a command; a `MalarkError` or any unexpected failure becomes exit code 2 with
    a message, never a traceback (set MALARK_DEBUG=1 to see one)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MalarkError as error:
            click.echo(printable(f"Fel: {error}"), err=True)
            ctx.exit(EXIT_CANNOT_RUN)
        except KeyboardInterrupt:
            click.echo("Avbrutet.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Terminated:
            click.echo("Avbrutet (processen ombads att avsluta).", err=True)
            ctx.exit(EXIT_TERMINATED)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # `malark validate … | head`: the reader has gone, stay quiet
            with contextlib.suppress(OSError, ValueError, AttributeError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(EXIT_CANNOT_RUN)
        except OSError as error:  # a folder that cannot be created, a disk that is full
            click.echo(printable(f"Fel: {os_error_message(error)}"), err=True)
            ctx.exit(EXIT_CANNOT_RUN)
        except Exception as error:  # noqa: BLE001 - the promise is: no traceback for users
            if os.environ.get("MALARK_DEBUG"):
                traceback.print_exc()
            click.echo(printable(
                f"Internt fel i malark ({type(error).__name__}: {error}). Inget har skrivits "
                "över. Kör igen med MALARK_DEBUG=1 och skicka utskriften till den som "
                "förvaltar malark."), err=True)
            ctx.exit(EXIT_CANNOT_RUN)


@click.group(cls=MalarkGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="malark")
def cli() -> None:
    """malark – målstyrning i Excel för svenska kommuner.

    Skapar standardiserade arbetsböcker per nämnd, kontrollerar dem som nämnderna
    skickar tillbaka och sammanställer dem till en uppföljning för KS och KF.
    """


def echo_json(document: object) -> None:
    """One JSON document on stdout, always UTF-8 (whatever the locale's encoding); file
    names are already valid text (`malark.core.text.display_path`)."""
    import json

    text = json.dumps(document, ensure_ascii=False, indent=2)
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stdout (an IDE console): its own encoding
        click.echo(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8", "replace") + b"\n")
    buffer.flush()


def json_on_failure(command):
    """With `--format json`, a command that cannot run (a `MalarkError`, or a failure
    nobody expected) still prints exactly one JSON document on stdout,
    `{"malark_version", "error", "files": []}`, before the group turns the failure into
    exit code 2 with the message on stderr."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:  # noqa: BLE001 - the group reports it (exit code 2)
            if kwargs.get("output_format") == "json":
                text = str(error) if isinstance(error, MalarkError) else (
                    f"Internt fel i malark ({type(error).__name__}: {error})")
                echo_json({"malark_version": __version__, "error": text, "files": []})
            raise

    return wrapper


@cli.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--year", "budget_year", type=click.IntRange(2000, 2100), default=2027,
              show_default=True, help="Budgetåret för exemplets målmodell.")
@click.option("--force", is_flag=True, help="Skriv över en befintlig målmodell i mappen.")
def init_command(directory: Path, budget_year: int, force: bool) -> None:
    """Skapa en exempelmålmodell och årets mappar i DIRECTORY, redo för demo."""
    paths = api.init_project(directory, budget_year=budget_year, force=force)
    click.echo(f"Målmodell: {_shown(paths.model)}")
    click.echo(f"Mappar:    {_shown(paths.sent)}, {_shown(paths.returned)}, "
               f"{_shown(paths.consolidated)}")
    click.echo(f"Läs {_shown(paths.root / 'README.md')} för nästa steg.")


@cli.command("demo")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path),
                default="malark-demo")
def demo_command(directory: Path) -> None:
    """Kör hela kedjan på exemplet med simulerade svar från nämnderna."""
    from malark.demo.roundtrip import run_demo

    result = run_demo(directory, report=lambda text: click.echo(printable(text)))
    click.echo("")
    click.echo(f"Klart. Sammanställningen finns i: {_shown(result.final_output.resolve())}")


def _shown(path: Path) -> str:
    """A path as the terminal shows it: valid text, no control characters."""
    return printable(display_path(path))


PERIOD_CHOICE = click_sv.Choice(PERIODS, case_sensitive=False)
"""`Plan`, `T1`, `T2`, `Helår`, typed in any case."""

PROGRESS_MIN_FILES = 5
"""A progress bar (on a terminal) only for runs of at least this many files."""


class _ProgressBar:
    """`progress(done, total, path)` for the api: a rich bar on stderr when stderr is a
    terminal and the run is long, silent otherwise."""

    def __init__(self, label: str = "Kontrollerar") -> None:
        self._label = label
        self._bar = None
        self._task = None

    def __call__(self, done: int, total: int, path: Path) -> None:
        if total < PROGRESS_MIN_FILES or not sys.stderr.isatty():
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self._label, total=total)
        self._bar.update(self._task, completed=done,
                         description=f"{self._label} {_shown(Path(path.name))}")

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


@cli.command("generate")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Mappen där arbetsböckerna skrivs.")
@click.option("--period", type=PERIOD_CHOICE, default="Plan", show_default=True,
              help="Perioden arbetsböckerna gäller.")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path),
              help="Sammanställningen från en tidigare period (i år, eller förra årets inför "
                   "Plan): mål, id:n, indikatorer, aktiviteter och utfall förs över.")
@click.option("--namnd", "committees", multiple=True, metavar="ID",
              help="Bara dessa nämnder: --namnd BUN --namnd SN eller --namnd BUN,SN. "
                   "Standard: alla nämnder.")
@click.option("--mall", "template", type=click.Path(file_okay=False, path_type=Path),
              help="Kommunens mall för arbetsböckerna (en kopia av workbook_templates/standard, "
                   "se malark mall kopiera). Standard: Mall i målmodellens Inställningar, "
                   "annars standardmallen.")
@click.option("--force", is_flag=True, help="Skriv över arbetsböcker som redan finns i mappen.")
def generate_command(model: Path, out_dir: Path, period: str, previous: Path | None,
                     committees: tuple[str, ...], template: Path | None, force: bool) -> None:
    """Skapa en arbetsbok per nämnd från målmodellen MODEL."""
    terminal = sys.stderr.isatty()
    with _ProgressBar("Skapar") as bar:
        def progress(done: int, total: int, path: Path) -> None:
            bar(done, total, path)
            if not terminal or total < PROGRESS_MIN_FILES:
                click.echo(_shown(path))

        written = api.generate(model, out_dir, period=period, previous=previous,
                               committees=list(committees) or None, force=force,
                               progress=progress, template=template,
                               warn=lambda message: click.echo(printable(f"Varning: {message}"), err=True))
    count = "1 arbetsbok skriven" if len(written) == 1 else f"{len(written)} arbetsböcker skrivna"
    click.echo(f"{count} i {_shown(out_dir)}.")


def _console():
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 120, highlight=False)


@cli.command("validate")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="FILE...")
@click.option("--model", "model_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Målmodellen: kontrollera också mot den (kommun, år, KF-mål, adressering).")
@click.option("--period", type=PERIOD_CHOICE,
              help="Perioden som arbetsböckerna ska gälla (annars fel S004).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text: tabell per fil; json: ett JSON-dokument på stdout.")
@click.option("--annotate", "annotate_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Skriv en kopia av varje arbetsbok med markerade celler och bladet "
                   "Valideringsresultat till den här mappen.")
@click.pass_context
@json_on_failure
def validate_command(ctx: click.Context, inputs: tuple[Path, ...], model_path: Path | None,
                     period: str | None, output_format: str, annotate_dir: Path | None) -> None:
    """Kontrollera inskickade arbetsböcker (filer och/eller mappar).

    Slutkod 0 när inga fel hittades (varningar tillåtna), 1 när minst en fil har fel.
    """
    from malark.validate.render import json_document, render_text

    with _ProgressBar() as progress:
        reports = api.validate_files(list(inputs), model_path=model_path, period=period,
                                     progress=progress)
    copies = api.annotate(reports, annotate_dir) if annotate_dir is not None else []
    if output_format == "json":
        echo_json(json_document(reports))
    else:
        render_text(reports, _console())
    for copy in copies:
        click.echo(f"Markerad kopia: {_shown(copy)}", err=output_format == "json")
    ctx.exit(EXIT_FINDINGS if any(not r.ok for r in reports) else EXIT_OK)


@cli.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text: tabell; json: listan som JSON.")
def rules_command(output_format: str) -> None:
    """Visa regelkatalogen: kod, allvarlighet, regel, perioder och förklaring."""
    from malark.core.findings import CATALOGUE
    from malark.validate.checks import live_builders

    if output_format == "json":
        live = live_builders()
        echo_json([{"code": r.code, "severity": r.severity.value, "title": r.title,
                    "periods": r.periods, "explanation": r.explanation, "live": r.code in live}
                   for r in CATALOGUE.values()])
        return
    from malark.validate.render import render_rules

    render_rules(_console())


@cli.command("merge")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="INPUT...")
@click.option("--model", "model_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Målmodellen.")
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Sammanställningen som skrivs (.xlsx).")
@click.option("--period", type=PERIOD_CHOICE,
              help="Perioden som sammanställs (annars perioden i de inskickade filerna).")
@click.option("--skip-invalid", is_flag=True,
              help="Sammanställ ändå och lista filer med fel som Ej inlästa.")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path),
              help="Sammanställningen från perioden före: nämnder utan inläst fil behåller "
                   "sina senast kända mål, indikatorer och aktiviteter därifrån.")
@click.option("--mall", "template", type=click.Path(file_okay=False, path_type=Path),
              help="Mallen vars benämningar (Grön, Gul, Röd …) sammanställningen använder "
                   "(en kopia av workbook_templates/standard, "
                   "se malark mall kopiera). Standard: Mall i målmodellens Inställningar, "
                   "annars standardmallen.")
@click.option("--force", is_flag=True,
              help="Ersätt en tidigare sammanställning med samma namn.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text: tabell per fil; json: ett JSON-dokument på stdout.")
@click.pass_context
@json_on_failure
def merge_command(ctx: click.Context, inputs: tuple[Path, ...], model_path: Path, out: Path,
                  period: str | None, skip_invalid: bool, previous: Path | None,
                  template: Path | None, force: bool, output_format: str) -> None:
    """Kontrollera de inskickade arbetsböckerna och sammanställ dem till en arbetsbok.

    Finns fel i någon fil skrivs ingenting (slutkod 1), om inte --skip-invalid anges.
    Finns utfilen redan skrivs den inte över utan --force (slutkod 2).
    """
    from malark.merge.render import render_merge_text

    with _ProgressBar() as progress:
        result = api.merge(list(inputs), model_path=model_path, out=out, period=period,
                           skip_invalid=skip_invalid, progress=progress, previous=previous,
                           force=force, template=template)
    if output_format == "json":
        echo_json(result.to_dict())
    else:
        render_merge_text(result, _console())
    ctx.exit(EXIT_FINDINGS if result.errors or result.output is None else EXIT_OK)


@cli.command("report")
@click.argument("consolidated", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Rapporten som skrivs: .docx (Word), .pdf (via LibreOffice) eller .html.")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path),
              help="Kommunens Word-dokument eller -mall (.docx/.dotx): rapporten får dess "
                   "formatmallar, sidhuvud och sidfot.")
@click.option("--previous", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="En tidigare periods sammanställning (flera: --previous A --previous B): "
                   "tidigare utfall och trendpil per indikator.")
@click.option("--force", is_flag=True, help="Skriv över OUT även om malark inte har skrivit den.")
def report_command(consolidated: Path, out: Path, template: Path | None, previous: tuple[Path, ...],
                   force: bool) -> None:
    """Skriv målavsnittet till KS och KF från sammanställningen CONSOLIDATED."""
    path = api.report(consolidated, out, template=template, previous=list(previous), force=force)
    click.echo(f"Rapporten skriven: {_shown(path)}")


@cli.command("kolada")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--years", metavar="FRÅN-TILL",
              help="Åren att hämta, t.ex. 2019-2026. Standard: de åtta åren före budgetåret.")
@click.option("--jamfor", "compare", multiple=True, metavar="ID,…",
              help="Jämförelser: kommunkoder (0000 är riket) eller kommungrupper (G…), åtskilda "
                   "med komma. Standard: 0000.")
@click.option("--offline", is_flag=True,
              help="Hämta ingenting; visa vilka värden målmodellen redan har.")
def kolada_command(model: Path, years: str | None, compare: tuple[str, ...], offline: bool) -> None:
    """Hämta KF-indikatorernas värden från Kolada till målmodellens blad Indikatorvärden.

    Värden som någon skrivit in för hand skrivs aldrig över (skillnader visas), inget annat
    i målmodellen ändras. Adressen kan ändras med miljövariabeln MALARK_KOLADA_URL.
    """
    from malark.kolada.render import render_kolada

    result = api.kolada(model, years=years, compare=list(compare) if compare else None,
                        offline=offline)
    render_kolada(result, _console())


@cli.group("mall")
def template_group() -> None:
    """Kommunens mall för nämndernas arbetsböcker: benämningar, trafikljusregel, färger, text."""


@template_group.command("kopiera")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), metavar="DIR")
def template_copy_command(directory: Path) -> None:
    """Kopiera standardmallen till mappen DIR (ny eller tom) för att redigera den."""
    folder = api.copy_template(directory)
    click.echo(f"Standardmallen kopierad till {_shown(folder)}.")
    click.echo("Redigera mall.toml och instruktioner.md (se docs/mall.md) och använd mallen med "
               f"malark generate MODELL -o MAPP --mall {_shown(folder)}.")


@cli.group("addin")
def addin_group() -> None:
    """Excel-tillägget malark.xlam (fliken Målark med knappen Validera)."""


@addin_group.command("build")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=".", show_default=True, help="Mappen där malark.xlam skrivs.")
@click.option("--interpreter-win", metavar="SÖKVÄG",
              help="Python som knappen kör på Windows (standard: denna Python om du bygger "
                   "på Windows, annars python i PATH). %VARIABLER% tillåts.")
@click.option("--interpreter-mac", metavar="SÖKVÄG",
              help="Python som knappen kör på macOS (standard: denna Python om du bygger "
                   "på macOS, annars python i PATH).")
def addin_build_command(out_dir: Path, interpreter_win: str | None,
                        interpreter_mac: str | None) -> None:
    """Bygg malark.xlam från xlwings mall (Excel behövs inte)."""
    path = api.build_addin(out_dir, interpreter_win=interpreter_win,
                           interpreter_mac=interpreter_mac)
    click.echo(f"Tillägget skrivet: {_shown(path)}")
    click.echo("Installera det enligt docs/tillagg.md (Excel > Tillägg > Bläddra).")


@cli.group("web")
def web_group() -> None:
    """Valideringssidan och Office-tillägget som kör malark i webbläsaren (ingen Python hos användaren)."""


@web_group.command("build")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default="malark-web", show_default=True, help="Mappen som sidan och tillägget skrivs till.")
@click.option("--base-url", metavar="URL",
              help="https-adressen där IT lägger mappen (adresserna i manifest.xml). "
                   "Standard: https://localhost:3000/ för att prova.")
def web_build_command(out_dir: Path, base_url: str | None) -> None:
    """Bygg valideringssidan (index.html) och Office-tillägget (manifest.xml)."""
    built = api.build_web(out_dir, base_url=base_url, progress=lambda text: click.echo(text, err=True))
    click.echo(f"Sidan och tillägget skrivna i {built.directory} "
               f"({len(built.files)} filer, {built.total_bytes / 1e6:.1f} MB).")
    click.echo(f"Valideringssidan: {built.directory / 'index.html'}; prova med: malark web serve {out_dir}")
    click.echo(f"Tillägget: {built.directory / 'manifest.xml'} pekar på {built.base_url}")


@web_group.command("serve")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default="malark-web")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Porten på 127.0.0.1.")
def web_serve_command(directory: Path, port: int) -> None:
    """Visa den byggda mappen på http://127.0.0.1 (bara den här datorn kommer åt den)."""
    from malark.web.serve import make_server

    server = make_server(directory, port)
    host, bound = server.server_address[:2]
    click.echo(f"Öppna http://{host}:{bound}/ i webbläsaren. Avsluta med Ctrl+C.")
    try:
        server.serve_forever()
    finally:
        server.server_close()


click_sv.swedish_usage(cli)


def main() -> None:
    """Console-script entry point."""
    _stop_on_signals()
    cli.main(prog_name="malark")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
