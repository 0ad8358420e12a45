"""The library API: plain functions with keyword arguments.

This is the only entry point for the CLI and the Excel add-in. Functions here never print,
never exit and never import click or xlwings; they return results and raise
`malark.errors.MalarkError` subclasses for failures that stop a command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from malark.errors import OutputError
from malark.example import example_model
from malark.model import GoalModel
from malark.model_io import read_model, write_model

__all__ = ["ProjectPaths", "init_project", "load_model"]

MODEL_FILENAME = "malmodell.xlsx"
SENT_DIR = "1_utskick"
RETURNED_DIR = "2_inkommet"
CONSOLIDATED_DIR = "3_sammanstallning"


@dataclass(frozen=True, slots=True)
class ProjectPaths:
    """Where a malark year's work lives (made by `init_project`)."""

    root: Path

    @property
    def model(self) -> Path:
        return self.root / MODEL_FILENAME

    @property
    def sent(self) -> Path:
        return self.root / SENT_DIR

    @property
    def returned(self) -> Path:
        return self.root / RETURNED_DIR

    @property
    def consolidated(self) -> Path:
        return self.root / CONSOLIDATED_DIR


def load_model(path: Path | str) -> GoalModel:
    """Read and check the master goal model (raises `ModelError` naming sheet and cell)."""
    return read_model(path)


_README = """\
# Målstyrning {year} – {kommun} kommun

Den här mappen skapades av `malark init`. Så här går året till:

1. **Målmodellen** `{model}` innehåller visionen, KF-målen, vilka nämnder de är
   adresserade till och KF-indikatorerna. Rätta den efter fullmäktiges beslut.
   Kontrollera den med `malark generate {model} -o {sent} --namnd KS` – en trasig modell
   stoppas med ett meddelande som säger vilket blad och vilken cell som ska rättas.
2. **Skicka ut**: `malark generate {model} -o {sent} --period Plan` skapar en arbetsbok
   per nämnd i `{sent}/`. Mejla dem till nämndernas controllers.
3. **Ta emot**: lägg de returnerade filerna i `{returned}/` och kontrollera dem med
   `malark validate {returned} --model {model}`.
4. **Sammanställ**: `malark merge {returned} --model {model} -o {consolidated}/sammanstallning_Plan.xlsx`.
5. **Nästa period**: `malark generate {model} -o {sent} --period T1 --previous
   {consolidated}/sammanstallning_Plan.xlsx` för över mål, id:n och utfall.

Mappar:
- `{sent}/` – arbetsböcker som skickats ut
- `{returned}/` – arbetsböcker som nämnderna skickat tillbaka
- `{consolidated}/` – sammanställningar till KS och KF
"""


def init_project(directory: Path | str, *, budget_year: int = 2027, force: bool = False) -> ProjectPaths:
    """Create the example goal model, the year's folders and a Swedish README in `directory`.

    Refuses to overwrite an existing goal model unless `force`, so a real model is never
    replaced by the example by accident.
    """
    paths = ProjectPaths(Path(directory))
    if paths.model.exists() and not force:
        raise OutputError(
            f"{paths.model} finns redan. Välj en annan mapp eller använd --force för att "
            "skriva över den med exemplet."
        )
    for folder in (paths.root, paths.sent, paths.returned, paths.consolidated):
        folder.mkdir(parents=True, exist_ok=True)
    model = example_model(budget_year)
    write_model(model, paths.model)
    readme = _README.format(
        year=model.budget_year, kommun=model.municipality, model=MODEL_FILENAME,
        sent=SENT_DIR, returned=RETURNED_DIR, consolidated=CONSOLIDATED_DIR,
    )
    (paths.root / "README.md").write_text(readme, encoding="utf-8")
    return paths
