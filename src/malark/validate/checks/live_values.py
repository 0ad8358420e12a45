"""Numbers and dates as the live formulas read them: the same grammar as
`malark.core.swedish.parse_number` / `parse_date` and `values.read_number` / `read_date`,
written as array formulas over a band (see `live`). A test types the same texts into a
workbook, recalculates it in LibreOffice and compares with Python, case by case.

Each reader gives one helper per column: the value where the read is ok (numbers; dates
as the number yyyymmdd), "" where the cell is empty, "E" for an error value and "X" for a
value that cannot be read (D001/D003).

The text grammar is checked on a *pattern* of the text: digits made "0", group spaces
made " ", so `1 234,5` is `0 000,0` and is valid when it starts with 1–3 "0" followed by
`REPT(" 000",n)` and a decimal part, exactly as `\\d{1,3}( \\d{3})+([.,]\\d+)?`.

Two habits of LibreOffice shape the formulas: arrays of different lengths, and `&` of two
computed arrays, are sometimes evaluated wrongly, so every array of a band has the same
length and texts are compared piece by piece instead of being concatenated.
"""

from __future__ import annotations

from malark.core.swedish import GROUP_SPACES, MINUS_SIGNS, MONTHS
from malark.validate.checks.live import Band
from malark.validate.checks.live_formula import lookup, quoted, spaces_to_blank

__all__ = ["date_value", "number_value", "valid_year"]

_DIGITS = tuple(str(d) for d in range(1, 10))


def _digits_to_zero(expression: str) -> str:
    for digit in _DIGITS:
        expression = f'SUBSTITUTE({expression},"{digit}","0")'
    return expression


def _char_expression(character: str) -> str:
    return quoted(character) if ord(character) < 128 else f"_xlfn.UNICHAR({ord(character)})"


def _zeros(expression: str) -> str:
    """1 where `expression` is one or more "0" (digits, in a pattern)."""
    return f'IFERROR((LEN({expression})>=1)*({expression}=REPT("0",LEN({expression}))),0)'


def _decimal_tail(tail: str, separators: str) -> str:
    """1 where `tail` is empty or a separator followed by digits (`([.,]\\d+)?`)."""
    first = "+".join(f'(LEFT({tail},1)="{s}")' for s in separators)
    return f'(({tail}="")+({first})*{_zeros(f"MID({tail},2,99)")})'


def _grouped(pattern: str, group: str, minimum: int, decimals: str) -> str:
    """1 where `pattern` is `\\d{1,3}(<group>\\d{3}){minimum,}` followed by `decimals`."""
    cut = f'FIND(",",SUBSTITUTE({pattern},".",",")&",")' if decimals == ",." else \
        f'FIND(",",{pattern}&",")'
    whole = f"LEFT({pattern},{cut}-1)"
    count = f'(LEN({whole})-LEN(SUBSTITUTE({whole},"{group}","")))'
    head = f"(LEN({whole})-4*{count})"
    # no `&` of two arrays: LibreOffice gets some such concatenations wrong
    shape = (f'(LEFT({whole},{head})=REPT("0",{head}))'
             f'*(MID({whole},{head}+1,999)=REPT("{group}000",{count}))')
    return (f"IFERROR(({count}>={minimum})*({head}>=1)*({head}<=3)*{shape}"
            f"*{_decimal_tail(f'MID({pattern},{cut},99)', decimals)},0)")


def _plain(pattern: str) -> str:
    """1 where `pattern` is `(\\d+(\\.\\d*)?|\\.\\d+)(e[+-]?\\d+)?` after one comma became a
    point: at most one separator, at least one digit, an optional exponent."""
    cut = f'FIND("e",{pattern}&"e")'
    mantissa = f"LEFT({pattern},{cut}-1)"
    digits = f'SUBSTITUTE(SUBSTITUTE({mantissa},",",""),".","")'
    exponent = f"MID({pattern},{cut}+1,99)"
    unsigned = f'IF((LEFT({exponent},1)="+")+(LEFT({exponent},1)="-"),MID({exponent},2,99),{exponent})'
    has_exponent = f"({cut}<=LEN({pattern}))"
    return (f"IFERROR({_zeros(digits)}*((LEN({mantissa})-LEN({digits}))<=1)"
            f"*((1-{has_exponent})+{has_exponent}*{_zeros(unsigned)}),0)")


def number_value(band: Band, field_name: str) -> str:
    """The helper of column `field_name` read as `values.read_number` reads it."""
    cells = band.cells(field_name)
    texts = band.any_text(field_name)

    def name(part: str) -> str:
        return f"num-{part}:{field_name}"

    def text_helper(part: str, build, empty: str = "0") -> str:
        """A helper of the text grammar: computed only when the column holds text."""
        return band.helper(name(part), lambda: f"IF({texts},{build()},{empty})")

    def spaced() -> str:  # blanks and % made spaces: where the number starts and ends
        mapped = spaces_to_blank(cells, (('"%"', '" "'), ("CHAR(1)", '"x"')))
        return f'IF(ISTEXT({cells}),{mapped},"")'

    def body() -> str:  # the number without %, blanks and sign, as typed (or "#")
        s = text_helper("spaced", spaced)
        first = f"IFERROR(FIND(LEFT(TRIM({s}),1),{s}),0)"
        ch = f"RIGHT(TRIM({s}),1)"
        last = f'IFERROR(FIND(CHAR(1),SUBSTITUTE({s},{ch},CHAR(1),LEN({s})-LEN(SUBSTITUTE({s},{ch},"")))),0)'
        signed = f'IFERROR(ISNUMBER(FIND(MID({cells},{first},1),{quoted("+" + MINUS_SIGNS)})),0)'
        begin = f"IF({signed},FIND(LEFT(TRIM(MID({s},{first}+1,200)),1),{s},{first}+1),{first})"
        length = f"({last}-{begin}+1)"
        percents = f'(LEN({cells})-LEN(SUBSTITUTE({cells},"%","")))'
        percent_ok = f'(({percents}=0)+({percents}=1)*(IFERROR(FIND("%",{cells}),0)>{last}))'
        ok = (f"ISTEXT({cells})*(LEN({cells})<=100)*({first}>0)*{percent_ok}"
              f"*({length}>=1)*(({length}+{signed})<=64)")
        return f'IFERROR(IF({ok},MID({cells},{begin},{length}),"#"),"#")'

    def pattern() -> str:  # digits 0, group spaces " ", minus signs "-", lower case
        mapped = text_helper("body", body)
        for space in GROUP_SPACES[1:]:
            mapped = f'SUBSTITUTE({mapped},{_char_expression(space)}," ")'
        for minus in MINUS_SIGNS[1:]:
            mapped = f'SUBSTITUTE({mapped},{_char_expression(minus)},"-")'
        return _digits_to_zero(f"LOWER({mapped})")

    def dotted() -> str:  # `1.234.567,5`
        return _grouped(text_helper("pattern", pattern), ".", 2, ",")

    def valid() -> str:
        p = text_helper("pattern", pattern)
        grouped, dots = f'ISNUMBER(FIND(" ",{p}))', dotted()
        return f"{grouped}*{_grouped(p, ' ', 1, ',.')}+(1-{grouped})*({dots}+(1-{dots})*{_plain(p)})"

    def value() -> str:
        b, s = text_helper("body", body), text_helper("spaced", spaced)
        ok, dots = text_helper("valid", valid, "0"), dotted()
        plain = b
        for space in GROUP_SPACES:
            plain = f'SUBSTITUTE({plain},{_char_expression(space)},"")'
        for minus in MINUS_SIGNS[1:]:
            plain = f'SUBSTITUTE({plain},{_char_expression(minus)},"-")'
        canonical = f'SUBSTITUTE(IF({dots},SUBSTITUTE({plain},".",""),{plain}),",",".")'
        minus = f'IFERROR(ISNUMBER(FIND(MID({cells},FIND(LEFT(TRIM({s}),1),{s}),1),{quoted(MINUS_SIGNS)})),0)'
        number = f'IF({minus},-1,1)*_xlfn.NUMBERVALUE({canonical},".",",")'
        # a tiny exponent (1e-400) is 0 to Python; the spreadsheet cannot read it at all
        underflow = f'IF(ISNUMBER(SEARCH("e-",{canonical})),0,"X")'
        text = f'IF(LEN(TRIM({spaces_to_blank(cells)}))=0,"",IF({ok},IFERROR({number},{underflow}),"X"))'
        other = f'IF(ISBLANK({cells}),"",IF(ISLOGICAL({cells}),--{cells},{cells}))'
        return (f'IF(ISERROR({cells}),"E",IF({texts},IF(ISTEXT({cells}),{text},{other}),'
                f'{other}))')

    return band.helper(f"number:{field_name}", value)


def valid_year(value: str) -> str:
    """1 where a number helper holds a whole number (`values.read_year` is ok)."""
    return f"IFERROR(ISNUMBER({value})*(INT({value})={value}),0)"


def _ymd(year: str, month: str, day: str) -> str:
    """yyyymmdd of a real calendar date (years 1–9999), else 0. Years before 1900 are
    checked 2000 years later (same leap years): spreadsheets count days from 1900."""
    real = f"(DAY(DATE(IF({year}<1900,{year}+2000,{year}),{month},{day}))={day})"
    return (f"IFERROR(({year}>=1)*({year}<=9999)*({month}>=1)*({month}<=12)*({day}>=1)*{real}"
            f"*({year}*10000+{month}*100+{day}),0)")


def _iso_tail(pattern: str) -> str:
    """The pattern after `yyyy-m-d` when the text starts so, else "#"."""
    dash = f'FIND("-",{pattern},6)'
    month_length = f"({dash}-6)"
    day_length = f'IF(MID({pattern},{dash}+2,1)="0",2,1)'
    shape = (f'(LEFT({pattern},5)="0000-")*({month_length}>=1)*({month_length}<=2)'
             f'*(MID({pattern},6,{month_length})=REPT("0",{month_length}))'
             f'*(MID({pattern},{dash}+1,1)="0")')
    return f'IFERROR(IF({shape},MID({pattern},{dash}+1+{day_length},99),"#"),"#")'


def _time_tail(tail: str) -> str:
    """1 where `tail` (a pattern) is empty or `[ t]h:mm(:ss(.f)?)?(z|[+-]hh:?mm)?`."""
    zone = (f'IF(RIGHT({tail},1)="z",1,IF((RIGHT({tail},6)="+00:00")+(RIGHT({tail},6)="-00:00"),6,'
            f'IF((RIGHT({tail},5)="+0000")+(RIGHT({tail},5)="-0000"),5,0)))')
    clock = f"MID({tail},2,LEN({tail})-1-{zone})"
    point = f'FIND(".",{clock}&".")'
    main = f"LEFT({clock},{point}-1)"
    fraction = f"MID({clock},{point},99)"
    mains = "+".join(f'({main}="{m}")' for m in ("0:00", "00:00", "0:00:00", "00:00:00"))
    fraction_ok = f'(({fraction}="")+(LEN({main})>=7)*{_zeros(f"MID({fraction},2,99)")})'
    timed = f'((LEFT({tail},1)=" ")+(LEFT({tail},1)="t"))*({mains})*{fraction_ok}'
    return f'IF({tail}="",1,IFERROR({timed},0))'


_DMY_SHAPES = tuple(f"{d}/{m}{sep}0000" for d in ("0", "00") for m in ("0", "00")
                    for sep in ("/", "/ ", " "))
_YMD_SHAPES = tuple(f"0000{sep}{m}{sep}{d}" for sep in "/." for m in ("0", "00") for d in ("0", "00"))
_ISO, _COMPACT, _DMY, _NAMED, _YMD = 1, 2, 3, 4, 5


def _kind(pattern: str, iso_tail: str) -> str:
    """Which of `swedish.parse_date`'s text forms the pattern has (0 for none): `yyyy-m-d`
    with an optional time, `yyyymmdd`, `yyyy/m/d` (`yyyy.m.d`, one separator), `d/m yyyy`
    (`d/m/yyyy`, `d.m.yyyy`), `d mars yyyy`."""
    slashed = f'SUBSTITUTE({pattern},".","/")'
    ymd = "(" + "+".join(f'({pattern}="{s}")' for s in _YMD_SHAPES) + ">0)"
    dmy = "(" + "+".join(f'({slashed}="{s}")' for s in _DMY_SHAPES) + ">0)"
    named = f'(LEFT({pattern},1)="0")*(RIGHT({pattern},5)=" 0000")*(LEN({pattern})>=7)'
    return (f'IF(({iso_tail}<>"#")*{_time_tail(iso_tail)},{_ISO},IF({pattern}="00000000",{_COMPACT},'
            f"IF({ymd},{_YMD},IF({dmy},{_DMY},IF({named},{_NAMED},0)))))")


def _parts(text: str, pattern: str, kind: str) -> tuple[str, str, str]:
    """(year, month, day) of the text of `kind`, as formulas."""
    dash = f'FIND("-",{pattern},6)'
    iso_day_length = f'IF(MID({pattern},{dash}+2,1)="0",2,1)'
    cut = f'FIND("/",SUBSTITUTE({pattern},".","/"))'
    dmy_month_length = f'IF(MID({pattern},{cut}+2,1)="0",2,1)'
    day_length = f'IF(MID({pattern},2,1)="0",2,1)'
    word = f"MID({text},{day_length}+1,LEN({text})-{day_length}-5)"
    unspaced = f'IF(LEFT({word},1)=" ",MID({word},2,99),{word})'
    bare = f'IF(RIGHT({unspaced},1)=".",LEFT({unspaced},LEN({unspaced})-1),{unspaced})'
    second = f"FIND(MID({pattern},5,1),{pattern},6)"  # yyyy/m/d: the second separator
    names = sorted(MONTHS)
    year = f"IF(({kind}<={_COMPACT})+({kind}={_YMD}),--LEFT({text},4),--RIGHT({text},4))"
    month = (f"IF({kind}={_ISO},--MID({text},6,{dash}-6),IF({kind}={_COMPACT},--MID({text},5,2),"
             f"IF({kind}={_YMD},--MID({text},6,{second}-6),"
             f"IF({kind}={_DMY},--MID({text},{cut}+1,{dmy_month_length}),"
             f"{lookup(bare, names, [MONTHS[n] for n in names])}))))")
    day = (f"IF({kind}={_ISO},--MID({text},{dash}+1,{iso_day_length}),IF({kind}={_COMPACT},"
           f"--RIGHT({text},2),IF({kind}={_YMD},--MID({text},{second}+1,2),"
           f"IF({kind}={_DMY},--LEFT({text},{cut}-1),--LEFT({text},{day_length})))))")
    return year, month, day


def date_value(band: Band, field_name: str) -> str:
    """The helper of column `field_name` read as `values.read_date` reads it: the date as
    yyyymmdd."""
    cells = band.cells(field_name)
    texts = band.any_text(field_name)

    def name(part: str) -> str:
        return f"date-{part}:{field_name}"

    def text_helper(part: str, build, empty: str = "0") -> str:
        """A helper of the text grammar: computed only when the column holds text."""
        return band.helper(name(part), lambda: f"IF({texts},{build()},{empty})")

    def text() -> str:  # `collapse_space(value.lower())`
        return f'IF(ISTEXT({cells}),TRIM(LOWER({spaces_to_blank(cells)})),"")'

    def pattern() -> str:
        return _digits_to_zero(text())

    def iso_tail() -> str:
        return _iso_tail(text_helper("pattern", pattern))

    def kind() -> str:
        p = text_helper("pattern", pattern)
        return f"IF(LEN({p})<=40,{_kind(p, text_helper('iso-tail', iso_tail))},0)"

    def month() -> str:
        t, p = text_helper("text", text), text_helper("pattern", pattern)
        k = text_helper("kind", kind, "0")
        return f"IFERROR(IF({k}>0,{_parts(t, p, k)[1]},0),0)"

    def parsed() -> str:
        t, p = text_helper("text", text), text_helper("pattern", pattern)
        k = text_helper("kind", kind, "0")
        year, _, day = _parts(t, p, k)
        return f"IFERROR(IF({k}>0,{_ymd(year, text_helper('month', month, '0'), day)},0),0)"

    def value() -> str:
        t = text()
        found = text_helper("parsed", parsed, "0")
        serial = f"IF(ISLOGICAL({cells}),--{cells},{cells})"
        from_serial = (f'IFERROR(IF(({serial}>=1)*({serial}<2958466)*(INT({serial})<>60),'
                       f'YEAR({serial})*10000+MONTH({serial})*100+DAY({serial}),"X"),"X")')
        from_text = f'IF({t}="","",IF({found}>0,{found},"X"))'
        other = f'IF(ISBLANK({cells}),"",{from_serial})'
        return (f'IF(ISERROR({cells}),"E",IF({texts},IF(ISTEXT({cells}),{from_text},{other}),'
                f'{other}))')

    return band.helper(f"date:{field_name}", value)
