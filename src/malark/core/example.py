"""The built-in example: a fictional municipality's goal model in the spirit of the seeds.

Sjöberga kommun is made up. Its KF goals follow Värnamo's (seed 004): safety, an
attractive municipality, net result ≥ 2 % of tax revenue, self-financed investments,
satisfied employees, −40 % greenhouse gases; plus one process goal in Kungälv's spirit.
Kolada KPI ids are real where one fits (N03102 årets resultat som andel av skatt &
statsbidrag; N15427, gymnasieelever med examen inom 4 år, would fit a school goal).

The indicator history (`Indikatorvärden`) holds three years before the budget year for
every KF indicator, and a longer series with SCB's change of method in 2021 for the
citizen-survey indicator. The values are made up and never marked `Kolada`: only
`malark kolada` writes that source.
"""

from __future__ import annotations

from datetime import date

from malark.core.contract import Direction, Period, Perspective
from malark.core.model import Committee, GoalModel, Indicator, IndicatorValue, KfGoal, Settings

__all__ = ["example_model"]

COMMITTEES = (
    Committee(id="KS", name="Kommunstyrelsen", contact="Anna Lindqvist",
              email="anna.lindqvist@sjoberga.se"),
    Committee(id="BUN", name="Barn- och utbildningsnämnden", contact="Erik Johansson",
              email="erik.johansson@sjoberga.se"),
    Committee(id="SN", name="Socialnämnden", contact="Maria Nilsson",
              email="maria.nilsson@sjoberga.se"),
    Committee(id="KFN", name="Kultur- och fritidsnämnden", contact="Johan Berg",
              email="johan.berg@sjoberga.se"),
    Committee(id="TN", name="Tekniska nämnden", contact="Sara Ek",
              email="sara.ek@sjoberga.se"),
    Committee(id="MBN", name="Miljö- och byggnämnden", contact="Lars Holm",
              email="lars.holm@sjoberga.se"),
)
_ALL = tuple(c.id for c in COMMITTEES)


def example_model(budget_year: int = 2027) -> GoalModel:
    """Sjöberga kommun's goal model for `budget_year` (KF goals run four years)."""
    start, end = budget_year, budget_year + 3
    goals = (
        KfGoal(id="KF1", perspective=Perspective.MEDBORGARE,
               text="Invånarna i Sjöberga kommun ska känna sig trygga.",
               start_year=start, end_year=end, coordinator="KS", addressed=_ALL,
               addressed_to_all=True),
        KfGoal(id="KF2", perspective=Perspective.MEDBORGARE,
               text="Medborgarna ska uppleva att Sjöberga är en attraktiv kommun att leva och "
                    "bo i.",
               start_year=start, end_year=end, coordinator="KFN",
               addressed=("KS", "BUN", "KFN", "TN", "MBN")),
        KfGoal(id="KF3", perspective=Perspective.EKONOMI,
               text="Årets resultat ska för ett enskilt år inte understiga 2 % av skatteintäkter "
                    "och generella statsbidrag.",
               start_year=start, end_year=end, coordinator="KS", addressed=_ALL,
               addressed_to_all=True),
        KfGoal(id="KF4", perspective=Perspective.EKONOMI,
               text="Investeringarna (exklusive affärsverksamhet) ska för perioden i sin helhet "
                    "självfinansieras.",
               start_year=start, end_year=end, coordinator="KS", addressed=("KS", "TN")),
        KfGoal(id="KF5", perspective=Perspective.MEDARBETARE,
               text="Medarbetarna ska vara nöjda med sin arbetssituation i frågor som "
                    "delaktighet, bemötande, ledarskap och utveckling.",
               start_year=start, end_year=end, coordinator="KS", addressed=_ALL,
               addressed_to_all=True),
        KfGoal(id="KF6", perspective=Perspective.PROCESS,
               text="Sjöberga kommun som geografiskt område ska minska utsläppen av "
                    f"växthusgaser med minst 40 % till år {end} jämfört med 1990 års nivå.",
               start_year=start, end_year=end, coordinator="MBN", addressed=("TN", "MBN", "KS")),
    )
    y0 = budget_year - 2
    indicators = (
        Indicator(id="KF1-I1", goal_id="KF1",
                  name="Andel invånare som känner sig trygga utomhus på kvällen",
                  unit="%", baseline=68, baseline_year=y0, target=75, target_year=end),
        Indicator(id="KF2-I1", goal_id="KF2",
                  name="Andel invånare som kan rekommendera kommunen som boendeort",
                  unit="%", baseline=61, baseline_year=y0, target=66, target_year=end),
        Indicator(id="KF3-I1", goal_id="KF3",
                  name="Årets resultat som andel av skatt och generella statsbidrag",
                  unit="%", baseline=1.4, baseline_year=y0, target=2.0, target_year=budget_year,
                  kolada_kpi="N03102"),
        Indicator(id="KF4-I1", goal_id="KF4",
                  name="Självfinansieringsgrad av investeringar",
                  unit="%", baseline=78, baseline_year=y0, target=100, target_year=end),
        Indicator(id="KF5-I1", goal_id="KF5", name="Hållbart medarbetarengagemang (HME), index",
                  unit="index", baseline=76, baseline_year=y0, target=80, target_year=end),
        Indicator(id="KF5-I2", goal_id="KF5", name="Sjukfrånvaro bland medarbetarna",
                  unit="%", direction=Direction.LOWER, baseline=7.9, baseline_year=y0,
                  target=6.5, target_year=end),
        Indicator(id="KF6-I1", goal_id="KF6",
                  name="Utsläpp av växthusgaser jämfört med 1990 års nivå",
                  unit="%", direction=Direction.LOWER, baseline=-27, baseline_year=y0,
                  target=-40, target_year=end),
    )
    return GoalModel(
        municipality="Sjöberga",
        municipality_code="9999",
        budget_year=budget_year,
        vision="Sjöberga – den mänskliga tillväxtkommunen, där du förverkligar dina drömmar "
               "och tar ansvar tillsammans med andra.",
        deadline=date(budget_year, 5, 15),
        period_deadlines={Period.PLAN: date(budget_year - 1, 11, 30),
                          Period.T1: date(budget_year, 5, 15),
                          Period.T2: date(budget_year, 9, 15),
                          Period.HELAR: date(budget_year + 1, 1, 31)},
        committees=COMMITTEES,
        kf_goals=goals,
        kf_indicators=indicators,
        settings=Settings(yellow_threshold=0.5),
        indicator_values=example_history(budget_year),
    )


# Indicator → (source, values of the years before the budget year, oldest first).
_HISTORY = {
    "KF1-I1": ("Medborgarundersökning", (66.0, 68.0, 69.0)),
    "KF2-I1": ("SCB:s medborgarundersökning", (55.0, 56.0, 62.0, 61.0, 60.0, 60.0, 61.0, 63.0)),
    "KF3-I1": ("Årsredovisning", (0.9, 1.4, 1.8)),
    "KF4-I1": ("Årsredovisning", (72.0, 78.0, 84.0)),
    "KF5-I1": ("Medarbetarenkät", (75.0, 76.0, 77.0)),
    "KF5-I2": ("Personalekonomisk redovisning", (8.3, 7.9, 7.6)),
    "KF6-I1": ("Miljöbokslut", (-24.0, -27.0, -29.0)),
}
_NATION_KF3 = (1.9, 1.2, 1.6)
SURVEY_CHANGE_YEAR = 2021
SURVEY_CHANGE_NOTE = "SCB bytte metod 2021 – inte jämförbart med åren före"


def example_history(budget_year: int) -> tuple[IndicatorValue, ...]:
    """Sjöberga's made-up history: the years before `budget_year` (the baseline year's
    value is the baseline of `KF-indikatorer`)."""
    rows: list[IndicatorValue] = []
    for indicator_id, (source, values) in _HISTORY.items():
        first = budget_year - len(values)
        for year, value in enumerate(values, start=first):
            note = SURVEY_CHANGE_NOTE if indicator_id == "KF2-I1" and year == SURVEY_CHANGE_YEAR else None
            rows.append(IndicatorValue(indicator_id=indicator_id, year=year, value=value,
                                       source=source, comment=note))
    first = budget_year - len(_NATION_KF3)
    rows += [IndicatorValue(indicator_id="KF3-I1", year=year, value=value, source="Påhittat exempel",
                            comment="Jämförelse 0000 Riket")
             for year, value in enumerate(_NATION_KF3, start=first)]
    return tuple(rows)
