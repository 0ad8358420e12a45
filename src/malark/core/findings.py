"""Findings and the rule catalogue (SPEC 4).

The catalogue is data: one `Rule` per code with its severity, a short Swedish title, a
Swedish message template that says what is wrong AND what to do, an explanation for the
rule reference, and the periods it applies to. `docs/rules.md` and `malark rules` are
generated from it. A check creates findings only through `Rule.finding`, so a message
can never drift from its code.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from malark.core.contract import KONTROLL_MARGIN

__all__ = ["CATALOGUE", "Finding", "Rule", "Severity", "catalogue_markdown", "rule"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_SV = {Severity.ERROR: "Fel", Severity.WARNING: "Varning", Severity.INFO: "Info"}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    file: str
    sheet: str | None
    cell: str | None
    ref: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["severity"] = self.severity.value
        return d

    def key(self) -> tuple[str, str | None, str | None]:
        """`(code, sheet, cell)`: what tests assert on."""
        return (self.code, self.sheet, self.cell)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    title: str
    template: str
    explanation: str
    periods: str = "alla perioder"

    def finding(
        self,
        *,
        file: str,
        sheet: str | None = None,
        cell: str | None = None,
        ref: str | None = None,
        severity: Severity | None = None,
        **params: Any,
    ) -> Finding:
        return Finding(
            code=self.code,
            severity=severity or self.severity,
            file=file,
            sheet=sheet,
            cell=cell,
            ref=ref,
            message=self.template.format(**params),
        )


E, W = Severity.ERROR, Severity.WARNING

_RULES: tuple[Rule, ...] = (
    # --- structure -------------------------------------------------------------------------
    Rule("S001", E, "Filen kan inte läsas",
         "Filen kan inte läsas: {reason}. {what_to_do}",
         "Filen är inte en xlsx-fil, är skadad, lösenordsskyddad/krypterad eller sparad i det "
         "gamla .xls-formatet. Öppna den i Excel och spara som Excel-arbetsbok (.xlsx) utan "
         "lösenord."),
    Rule("S002", E, "Inte en malark-arbetsbok",
         "Filen är inte en malark-arbetsbok: {reason}. Använd den arbetsbok som "
         "ekonomikontoret skickade ut och kopiera in era uppgifter i den.",
         "Det dolda bladet `_malark` saknas eller är trasigt, så filen kan inte knytas till "
         "kommun, år, period och nämnd. Hit hör också en sammanställning som skickats in i "
         "stället för en nämnds arbetsbok, och en ögonblicksbild av KF-målen i `_malark` som "
         "ändrats (kontrollsumman stämmer inte): då går metadata inte att lita på."),
    Rule("S003", E, "Formatversionen stöds inte",
         "Arbetsboken har formatversion {found}, men den här versionen av malark läser "
         "{supported}. Be ekonomikontoret om en ny arbetsbok eller uppdatera malark.",
         "Arbetsboken skapades av en annan version av malark med en annan layout."),
    Rule("S004", E, "Fel kommun, år eller period",
         "Arbetsboken gäller {field} {found}, men {expected} förväntades. Kontrollera att "
         "du skickar in rätt fil för rätt period.",
         "Metadata i arbetsboken stämmer inte med målmodellen eller kommandot."),
    Rule("S005", E, "Blad saknas",
         "Bladet {sheet_name} saknas. Byt inte namn på och ta inte bort blad; hämta bladet "
         "från den utskickade arbetsboken.",
         "Ett blad som malark behöver har tagits bort eller bytt namn."),
    Rule("S006", E, "Kolumn saknas eller har bytt namn",
         "Kolumnen {header} saknas i rad 1. Återställ rubriken exakt som i den utskickade "
         "arbetsboken.",
         "En obligatorisk kolumnrubrik har tagits bort eller ändrats."),
    Rule("S007", E, "Låst innehåll har ändrats",
         "{what} har ändrats från {expected} till {found}. Innehållet bestäms av "
         "kommunfullmäktige/ekonomikontoret; återställ det ursprungliga värdet.",
         "Låst innehåll (KF-målens text, id:n, mål- och utgångsvärden som modellen satt) "
         "skiljer sig från arbetsbokens ögonblicksbild eller målmodellen."),
    Rule("S008", E, "Dubblerat id",
         "Id {id} finns redan på {other}. Varje id får förekomma en gång; ge raden "
         "ett nytt id eller lämna Id tomt så tilldelas nästa lediga.",
         "Två rader har samma id."),
    Rule("S009", E, "Filen avvisad som osäker eller för stor",
         "Filen avvisades: {reason}. Spara om filen i Excel som en vanlig .xlsx och skicka "
         "den igen; kontakta ekonomikontoret om problemet kvarstår.",
         "Filen är för stor, har för många delar, komprimerar misstänkt mycket (zip-bomb) "
         "eller innehåller XML-konstruktioner som inte tillåts (XML-bomb)."),
    Rule("S010", W, "Makron eller externa länkar",
         "Filen innehåller {what}. {what_to_do}",
         "Makron, externa länkar och xlwings-konfigurationsblad (`*.conf`) kan köra kod eller "
         "hämta data utifrån och hör inte hemma i en inlämnad målrapport."),
    Rule("S011", E, "Flera filer för samma nämnd",
         "Nämnden {committee} har {count} filer för {period}: den här och {others}. {verdict} "
         "Ta bort eller flytta de filer som inte gäller och kör igen.",
         "En nämnd lämnar in en fil per period. Två eller flera filer för samma nämnd och "
         "period stoppas alla, så att ingen av dem väljs i tysthet, och meddelandet säger "
         "vilken som är nyast: i första hand den som ekonomikontoret skapade senast "
         "(`generated_at` i `_malark`), därefter den som sparades senast (filens egen "
         "uppgift om när den sparades, som följer med när filen mejlas eller kopieras) och "
         "sist filsystemets ändringstid. `validate` och `merge` säger samma sak."),
    Rule("S012", W, "Värden utanför tabellens kolumner",
         "{what} Det kommer inte med i sammanställningen. Flytta innehållet till en av "
         "tabellens kolumner (t.ex. Kommentar) eller ta bort det.",
         "Något är ifyllt i en kolumn som inte hör till tabellen: en kolumn utan rubrik, med "
         "en rubrik som malark inte känner till, eller med samma rubrik som en tidigare "
         "kolumn. Bara tabellens kolumner sammanställs, så innehållet där skulle annars "
         "försvinna i tysthet. Ett fynd per kolumn; cellen är den första ifyllda."),
    # --- goal chain ------------------------------------------------------------------------
    Rule("K001", E, "Pekar på ett mål som inte finns",
         "{problem} Välj ett mål-id ur listan ({allowed}).",
         "Ett nämndmål, en indikator eller en aktivitet hänvisar till ett mål-id som inte "
         "finns i arbetsboken."),
    Rule("K002", E, "KF-målet är inte adresserat till nämnden",
         "KF-målet {target} är inte adresserat till {committee}. Koppla {what} till ett "
         "av de KF-mål som står på bladet KF-mål.",
         "Ett nämndmål (eller en indikator eller aktivitet direkt på ett KF-mål) hänger på ett "
         "KF-mål som fullmäktige inte har riktat till nämnden. (Arbetsböcker från äldre "
         "versioner av malark känner inte målmodellens alla KF-mål; där blir det K001 om inte "
         "målmodellen anges.)"),
    Rule("K003", E, "Inget svar på ett adresserat KF-mål",
         "KF-målet {target} är adresserat till {committee} men {missing}. {what_to_do}",
         "Varje KF-mål som är adresserat till nämnden behöver ett svar: i Plan minst ett "
         "nämndmål eller en aktivitet, vid uppföljning en text i Bidrag.",
         "Plan: nämndmål/aktivitet; uppföljning: Bidrag"),
    Rule("K004", W, "Nämndmål utan indikator och aktivitet",
         "Nämndmålet {target} har varken indikator eller aktivitet. Lägg till minst en "
         "indikator med målvärde eller en aktivitet så att målet kan följas upp.",
         "Ett mål som inget mäter och inget gör kan inte följas upp."),
    Rule("K005", Severity.INFO, "Id saknas",
         "Raden saknar Id. {outcome}",
         "En rad som nämnden lagt till får lämna Id tomt; sammanställningen ger den nästa "
         "lediga id och nästa period behåller det."),
    Rule("K006", W, "Id följer inte mönstret",
         "Id {id} {problem}. Skriv t.ex. {example} eller lämna Id tomt, så ger "
         "sammanställningen raden nästa lediga id.",
         "Id:n har ett fast mönster som andra program och nästa period bygger på: nämndmål "
         "<NÄMND>-<n> (BUN-1), indikatorer <mål>-I<n> (BUN-1-I2, KF3-I1), aktiviteter "
         "<mål>-A<n>. Ett id som nämnden skriver själv kontrolleras mot mönstret, mot radens "
         "mål och mot målmodellens egna KF-indikator-id:n."),
    Rule("K007", E, "En rad från en tidigare period saknas",
         "{noun} {id} {period} finns inte längre i arbetsboken (raden är borttagen eller har "
         "fått ett annat id). {what_to_do}",
         "Nämndmål, indikatorer och aktiviteter som förts över från en tidigare period "
         "(`generate --previous`) är målkedjan: de får inte försvinna mellan perioderna. En "
         "aktivitet som inte ska genomföras får status Avbruten; ett mål eller en indikator som "
         "ska upphöra tas bort av ekonomikontoret i sammanställningen inför nästa utskick. "
         "Arbetsboken minns vilka rader som förts över (i det dolda bladet `_malark`). Ett "
         "överfört id som ändrats, på en rad som i övrigt känns igen, är S007."),
    # --- SMART -----------------------------------------------------------------------------
    Rule("M001", W, "Inte specifikt",
         "Målformuleringen innehåller {words}, som är vagt. Skriv vad som ska uppnås, för "
         "vem och hur mycket, t.ex. \"Andelen … ska vara minst 85 % 2027\".",
         "Vaga verb (utveckla, verka för, sträva efter, arbeta för, främja, bidra till, "
         "satsa på, prioritera) säger inte vad som ska vara uppnått. Riktningsord (öka, "
         "minska, förbättra, höja, sänka, stärka) räknas som vaga bara när målet saknar en "
         "nivå: inget tal i texten och ingen indikator med målvärde. \"Frisknärvaron ska öka "
         "och uppgå till 96 %\" är alltså specifikt.", "Plan"),
    Rule("M002", W, "Inte mätbart",
         "Målet {target} har ingen indikator med målvärde och inget tal i texten. Lägg till "
         "en indikator med målvärde eller skriv in nivån i målet.",
         "Ett mätbart mål har en indikator med målvärde eller ett tal (inte bara ett årtal) "
         "i formuleringen.", "Plan"),
    Rule("M003", W, "Ansvarig saknas",
         "Ansvarig saknas. Skriv vem (funktion eller enhet) som ansvarar.",
         "Kungälvs A i SMART: nämndmål och aktiviteter ska ha en ansvarig.", "Plan"),
    Rule("M004", W, "Orealistiskt målvärde",
         "{problem}. Kontrollera målvärdet och enheten.",
         "Målvärdet är sämre än utgångsvärdet i indikatorns riktning, eller orimligt långt "
         "från det: mer än 25 procentenheter för enheten %, annars mer än en fördubbling "
         "eller halvering. Procent utanför 0–100 är D002.", "Plan"),
    Rule("M005", W, "Inte tidsbundet",
         "{problem}. Ange år inom KF-målets period.",
         "Slutår (nämndmål) eller målår (indikator med målvärde) saknas, eller ligger "
         "utanför KF-målets period.", "Plan"),
    Rule("M006", W, "Formulerat som en aktivitet",
         "Målformuleringen innehåller {words} och beskriver en aktivitet, inte ett mål. "
         "Beskriv det önskade resultatet som mål och lägg aktiviteten på bladet Aktiviteter.",
         "Passiva aktivitetsverb (upprättas, tas fram, genomförs, införs, utreds, anordnas, "
         "implementeras, sammanställs) och en inledande uppmaning (Genomföra, Upprätta, Ta "
         "fram, Införa, Utreda, Anordna, Implementera) beskriver vad som ska göras, inte vad "
         "som ska uppnås.", "Plan"),
    # --- data ------------------------------------------------------------------------------
    Rule("D001", E, "Inte ett tal",
         "{header} ska vara ett tal men cellen innehåller \"{found}\". Skriv bara talet, "
         "t.ex. 85,5.",
         "Ett tal krävs; text som \"85,5\" eller \"85 %\" tolkas med svenska konventioner och "
         "rapporteras som info, men text som inte går att tolka är fel."),
    Rule("D002", E, "Värde utanför tillåtet intervall",
         "{header} {found} ligger utanför {allowed}. Rätta värdet.",
         "Andelar i procent utanför 0–100, årtal utanför 2000–2100 (utgångsår 1900–2100), "
         "datum utanför 2000–2100 eller ett slutdatum före startdatum. En indikator med "
         "enheten % räknas som en andel utom när namnet säger att den är ett resultat, en "
         "avvikelse, förändring, grad, ökning, minskning, tillväxt eller utveckling (t.ex. "
         "\"Årets resultat\", \"Budgetavvikelse\", \"Självfinansieringsgrad\"), eller när "
         "målmodellen själv satt värden utanför 0–100."),
    Rule("D003", E, "Ogiltigt datum",
         "{header} \"{found}\" är inte ett giltigt datum. Skriv datumet som ÅÅÅÅ-MM-DD.",
         "Datum ska vara datumceller eller text som går att tolka som datum."),
    Rule("D004", E, "Värdet finns inte i listan",
         "{header} \"{found}\" finns inte i listan. Välj ett av: {allowed}.",
         "Värdet måste vara ett av rullgardinslistans värden."),
    Rule("D005", E, "Obligatoriskt värde saknas",
         "{header} saknas. {what_to_do}",
         "I uppföljningsperioderna krävs Utfall för indikatorer, Bedömning för nämndmål och "
         "för KF-mål som nämnden samordnar, och Status för aktiviteter. Ett utfall som ännu "
         "inte finns (t.ex. en årlig mätning vid T1) godtas när Kommentar förklarar varför.",
         "T1, T2, Helår"),
    Rule("D006", E, "Röd/Gul bedömning utan analys",
         "Bedömningen är {assessment} men Analys är tom. Beskriv varför målet inte nås.",
         "En röd eller gul bedömning ska alltid ha en analys.", "T1, T2, Helår"),
    Rule("D007", E, "Röd bedömning utan åtgärder",
         "Bedömningen visar en stor avvikelse (röd) men Åtgärder är tom. Beskriv vilka "
         "åtgärder som vidtas.",
         "Vid stor avvikelse ska rapporten säga vilka åtgärder som vidtas.", "T1, T2, Helår"),
    Rule("D008", W, "Aktiviteten är försenad",
         "Slutdatum {end} ligger före periodens slut ({reference}) men status är {status}. "
         "Uppdatera status (Klar, Försenad eller Avbruten) eller slutdatum.",
         "En aktivitet vars slutdatum har passerat bör vara Klar, Försenad eller Avbruten. "
         "Jämförelsedagen är periodens slut – T1 30 april, T2 31 augusti, Helår 31 december "
         "(Plan: dagen före budgetåret) – inte dagens datum, så kontrollen ger samma svar "
         "vilken dag den än körs."),
    Rule("D009", W, "Formel eller felvärde i en inmatningscell",
         "Cellen innehåller {what} där ett inskrivet värde förväntas. Skriv in värdet.",
         "Formler och felvärden (#DIV/0! m.fl.) i inmatningsceller ger ingen säker uppgift."),
    Rule("D010", W, "Bedömningen motsäger indikatorerna",
         "Bedömningen är {assessment} men {indicators}. Kontrollera bedömningen eller "
         "förklara i Analys.",
         "Samlad bedömning som går emot alla indikatorers trafikljus."),
    Rule("D011", Severity.INFO, "Värdet tolkat från text",
         "{header} \"{found}\" {how} och lästes som {value}. Värdet godtas; "
         "skriv gärna bara talet eller datumet så att Excel räknar med det.",
         "Tal och datum som skrivits som text (\"85,5\", \"85 %\", \"1 234,5\", \"31/3 2026\") "
         "tolkas med svenska konventioner och godtas, men rapporteras så att inget ändras i "
         "tysthet."),
    Rule("D012", E, "Texten är för lång för en Excel-cell",
         "Texten är {length} tecken lång, men en Excel-cell rymmer högst 32 767. Korta texten "
         "eller dela upp den; annars skulle den kapas i sammanställningen.",
         "Excel räknar tecknen i UTF-16-enheter (en emoji räknas som två) och rymmer högst "
         "32 767 i en cell. En längre text kan bara finnas i en fil som skapats utanför "
         "Excel, och den skulle kapas när den skrivs till sammanställningen."),
    Rule("D013", E, "Datum eller klockslag där ett tal ska stå",
         "{header} ska vara ett tal men cellen innehåller {found}, som Excel har sparat som "
         "datum eller klockslag. Skriv talet igen; visas det fortfarande som datum, välj "
         "formatet Tal för cellen och skriv det en gång till.",
         "Excel gör om det du skriver till ett datum när det liknar ett (3/4 blir 3 april, "
         "1-2 blir 1 februari, 12:30 blir ett klockslag). Excel sparar datumet som ett dagnummer "
         "(3 april 2027 är 46480), och det är det talet som formler och de övriga kontrollerna "
         "räknar med, även bladet Kontroll. Att cellen är ett datum syns bara när filen lämnas "
         "in."),
)

CATALOGUE: dict[str, Rule] = {r.code: r for r in _RULES}


def rule(code: str) -> Rule:
    return CATALOGUE[code]


def count(findings: Iterable[Finding], severity: Severity) -> int:
    return sum(1 for f in findings if f.severity is severity)


_FAMILIES = (
    ("S", "Struktur", "Går filen att läsa, är den en malark-arbetsbok och är låst innehåll orört?"),
    ("K", "Målkedjan", "Hänger nämndmål, indikatorer och aktiviteter ihop med KF-målen?"),
    ("M", "SMART", "Är nämndmålen specifika, mätbara, ansvarsfördelade, realistiska och "
                   "tidsbundna?"),
    ("D", "Data", "Är talen tal, datumen datum och de obligatoriska uppgifterna ifyllda?"),
)


LIVE_SV = "i arbetsboken (bladet Kontroll) och vid inlämning"
AT_SUBMISSION_SV = "vid inlämning"

_SAME_ANSWER = (
    "## Samma svar i arbetsboken och vid inlämning",
    "",
    "Reglerna i kolumnen *Kontrolleras* med \"i arbetsboken\" räknas också av formler på "
    "bladet Kontroll i varje nämndarbetsbok, medan controllern skriver. Bladet visar för "
    "varje sådan regel lika många fynd som `malark validate` ger för samma fil och markerar "
    "samma celler (ett test räknar om arbetsböcker i LibreOffice och jämför). För att båda "
    "ska kunna ge exakt samma svar läser kontrollerna cellerna så som en formel ser dem:",
    "",
    "- Tomt är en cell utan värde eller med bara mellanslag, hårda eller smala mellanslag "
    "och radbrytningar. Andra tecken, även tabb och ovanliga mellanslag, räknas som text.",
    "- Text jämförs exakt: stora och små bokstäver och mellanslag inuti räknas "
    "(\"grön\" är inte Grön), bara mellanslag och radbrytningar före och efter tas bort.",
    "- Tal och datum skrivna som text läses med samma regler i båda (\"85,5\", \"85 %\", "
    "\"1 234,5\", \"−5\", \"1.234.567\", \"31/3 2027\", \"31 mars 2027\", \"2027-03-31\").",
    "- SANT/FALSKT i en inmatningscell är D009 (som en formel) och räknas som 1/0.",
    "- Ett datum i en talcell (Excel gör om 3/4 till 3 april) räknas som det tal Excel sparar "
    "(dagnumret) av alla regler; att det är ett datum säger D013 vid inlämning.",
    "- K002 behöver inte målmodellen: arbetsboken bär modellens alla KF-mål-id:n.",
    "- D008 jämför med periodens slut, inte med dagens datum.",
    "",
    f"Varje blad kontrolleras till och med {KONTROLL_MARGIN} rader nedanför de förberedda "
    "raderna; rader som infogas mellan dem kommer med. Det som står längre ned kontrolleras "
    "vid inlämning.",
)


def catalogue_markdown(live_codes: Collection[str] = ()) -> str:
    """`docs/rules.md`: the rule reference, generated from the catalogue (`make docs`);
    `live_codes` are the rules the `Kontroll` sheet also checks."""
    lines = [
        "# Regelreferens",
        "",
        "Genererad från regelkatalogen i `malark.core.findings` med `make docs`; redigera inte för "
        "hand. Samma lista visas av `malark rules`.",
        "",
        "Allvarlighet: **Fel** stoppar sammanställningen (slutkod 1), **Varning** ska ses "
        "över, **Info** berättar vad malark gjort med ett värde.",
        "",
        *_SAME_ANSWER,
    ]
    for letter, family, question in _FAMILIES:
        rules = [r for r in CATALOGUE.values() if r.code.startswith(letter)]
        lines += ["", f"## {family} ({letter})", "", question, "",
                  "| Kod | Allvarlighet | Regel | Perioder | Kontrolleras |", "|---|---|---|---|---|"]
        lines += [f"| [{r.code}](#{r.code.lower()}) | {SEVERITY_SV[r.severity]} | {r.title} | "
                  f"{r.periods} | {_where(r, live_codes)} |" for r in rules]
        for r in rules:
            example = r.template.replace("{", "‹").replace("}", "›")
            lines += ["", f"### {r.code}", "", f"**{r.title}** ({SEVERITY_SV[r.severity]}, "
                      f"{r.periods}; kontrolleras {_where(r, live_codes)}). {r.explanation}", "",
                      f"Meddelande: {example}"]
    return "\n".join(lines) + "\n"


def _where(rule: Rule, live_codes: Collection[str]) -> str:
    return LIVE_SV if rule.code in live_codes else AT_SUBMISSION_SV
