"""The very hidden `_malark` sheet: metadata, the read-only snapshot and its fingerprint.

Layout (`Fält | Värde`, header in row 1): the SPEC fields in `contract.META_FIELDS` order,
then `kind` (`committee` or `consolidated`), `gul_grans` (the yellow threshold the
Trafikljus formulas read through the defined name `GulGrans`), `snapshot_sha256` and the
snapshot itself as JSON split over `snapshot_1`, `snapshot_2`, … (an Excel cell holds
at most 32,767 characters, counted in UTF-16 units: a chunk never holds more).

The snapshot is what the model decided and the committee may not change: the KF goals
addressed to the committee, the model-set KF indicators and the committee list. With it a
workbook can be validated on its own (the ribbon button has no model), and
`snapshot_sha256` shows when the snapshot itself was edited.

Tamper evidence for the identity: when written, the snapshot is sealed with the values of
`SEALED_FIELDS` (nämnd, kommun, kommunkod, period, budgetår, model_fingerprint), so the
hash covers them too. A relabelled workbook (`nämnd` SN → KS, another `period`) no longer
matches its seal (`broken_seal`), and removing the seal breaks the hash. Adding a field to
the seal is one line in `SEALED_FIELDS`; a workbook sealed before that simply has no value
for it. Workbooks written before the seal existed carry none (`Snapshot.sealed` is None)
and are still accepted: their hash covers what they hold, as before.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from malark.core.contract import GUL_GRANS_NAME, MAX_CELL_TEXT, META_FIELDS, Period
from malark.core.lights import LightRule
from malark.core.model import Committee, GoalModel, Indicator, KfGoal
from malark.core.scale import DEFAULT_SCALE, AssessmentScale
from malark.core.text import utf16_length

if TYPE_CHECKING:  # the template module reads template files; the engine never needs it
    from malark.core.template import Template

__all__ = [
    "GUL_GRANS_NAME",
    "SEALED_FIELDS",
    "TEMPLATE_FIELDS",
    "MetaError",
    "Snapshot",
    "WorkbookMeta",
    "meta_from_rows",
    "broken_seal",
    "meta_rows",
    "row_digest",
    "sealed",
    "snapshot_for",
    "template_meta_fields",
]

GUL_GRANS_FIELD = "gul_grans"
KIND_FIELD = "kind"
SNAPSHOT_HASH_FIELD = "snapshot_sha256"
_SNAPSHOT_PREFIX = "snapshot_"
_CHUNK = MAX_CELL_TEXT - 767
"""UTF-16 units per snapshot chunk (below Excel's cell limit)."""
TEMPLATE_FIELDS = ("mall", "mall_fingerprint", "ljusregel", "bedömning_grön", "bedömning_gul",
                   "bedömning_röd", "bedömning_ej_bedömd")
"""The workbook template it was made with (SPEC 3c): name, fingerprint, light rule and the
four assessment labels, so a file is validated and merged by its own words and rule."""
SEALED_FIELDS = ("nämnd", "kommun", "kommunkod", "period", "budgetår", "model_fingerprint",
                 "gul_grans", *TEMPLATE_FIELDS[1:])
"""The identity fields the snapshot's hash covers (see the module docstring)."""


class MetaError(ValueError):
    """`_malark` is missing fields or cannot be parsed; the message is Swedish. `field`
    names the `Fält` whose value could not be read, when one could not."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class Snapshot(BaseModel):
    """Read-only content the committee workbook was generated with."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    vision: str
    committees: tuple[Committee, ...]
    kf_goals: tuple[KfGoal, ...]
    """The KF goals addressed to this committee (all goals in a consolidated workbook)."""
    kf_indicators: tuple[Indicator, ...]
    """Model-set KF indicators pre-filled in this workbook (coordinated goals only)."""
    deadline: str | None = None
    carried: dict[str, dict[str, str]] = {}
    """Rows carried from an earlier period (`generate --previous`): sheet → {id: digest of
    the row's text}. A carried row may not be removed (K007) nor its id changed (S007);
    the digest recognises a row whose id was changed. Covered by `snapshot_sha256`."""
    carried_from: str | None = None
    """The consolidation the rows were carried from (`T1 2027`)."""
    sealed: dict[str, str] | None = None
    """`SEALED_FIELDS` → their values when the workbook was written (None before seals)."""
    model_kf_goal_ids: tuple[str, ...] = ()
    """Every KF goal id of the model, so that a goal id of the model that is not addressed
    to the committee is told apart (K002) without the model, as the `Kontroll` sheet does.
    Empty in workbooks written before it was added."""

    def to_json(self) -> str:
        # without carried rows, a seal or the model's goal ids the JSON (and so the sha256)
        # is what it was before they existed, so older workbooks keep their hash
        empty = {name for name in ("carried", "carried_from", "sealed", "model_kf_goal_ids")
                 if not getattr(self, name)}
        return json.dumps(self.model_dump(mode="json", exclude=empty), ensure_ascii=False,
                          sort_keys=True, separators=(",", ":"))

    def sha256(self) -> str:
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()


class WorkbookMeta(BaseModel):
    model_config = ConfigDict(frozen=True)

    format_version: int = Field(ge=1, le=1000)
    kommun: str
    kommunkod: str
    budgetår: int = Field(ge=1900, le=2200)
    period: Period
    nämnd: str | None = None
    """The committee id; None in a consolidated workbook."""
    generated_at: datetime
    model_fingerprint: str
    malark_version: str
    kind: Literal["committee", "consolidated"] = "committee"
    gul_grans: float = Field(ge=0, le=1, allow_inf_nan=False)
    """The light rule's parameter, read by the Trafikljus formulas through `GulGrans`: the
    Gul-gräns of `andel_av_vagen`, the share of `andel_av_malvarde`, the tolerance of
    `trend`."""
    snapshot: Snapshot
    snapshot_sha256: str
    mall: str | None = None
    mall_fingerprint: str | None = None
    ljusregel: LightRule = LightRule.SHARE_OF_WAY
    bedömning_grön: str = DEFAULT_SCALE.green
    bedömning_gul: str = DEFAULT_SCALE.yellow
    bedömning_röd: str = DEFAULT_SCALE.red
    bedömning_ej_bedömd: str = DEFAULT_SCALE.not_assessed

    @property
    def snapshot_intact(self) -> bool:
        return self.snapshot.sha256() == self.snapshot_sha256

    @property
    def scale(self) -> AssessmentScale:
        """The assessment labels the workbook was made with (SPEC's when it says none)."""
        return AssessmentScale(self.bedömning_grön, self.bedömning_gul, self.bedömning_röd,
                               self.bedömning_ej_bedömd)


def template_meta_fields(template: Template | None, model: GoalModel) -> dict[str, Any]:
    """The `WorkbookMeta` fields that record the workbook template (SPEC 3c): its name,
    fingerprint, light rule and labels, and the rule's parameter in `gul_grans` (the
    model's Gul-gräns for `andel_av_vagen`). Without a template: SPEC's defaults."""
    if template is None:
        return {"gul_grans": model.settings.yellow_threshold}
    parameter = template.light_parameter
    scale = template.scale
    return {
        "gul_grans": model.settings.yellow_threshold if parameter is None else parameter,
        "mall": template.name, "mall_fingerprint": template.fingerprint,
        "ljusregel": template.light_rule, "bedömning_grön": scale.green,
        "bedömning_gul": scale.yellow, "bedömning_röd": scale.red,
        "bedömning_ej_bedömd": scale.not_assessed,
    }


def row_digest(text: object) -> str:
    """A short fingerprint of a row's text (goal text, indicator name, activity text), with
    whitespace normalised, for `Snapshot.carried`."""
    normal = " ".join(str(text).split()) if text is not None else ""
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


def snapshot_for(model: GoalModel, committee_id: str | None) -> Snapshot:
    """The snapshot a committee's workbook carries (all goals when `committee_id` is None)."""
    if committee_id is None:
        goals, indicators = model.kf_goals, model.kf_indicators
    else:
        goals = model.goals_addressed_to(committee_id)
        coordinated = {g.id for g in model.goals_coordinated_by(committee_id)}
        indicators = tuple(i for i in model.kf_indicators if i.goal_id in coordinated)
    return Snapshot(
        vision=model.vision,
        committees=model.committees,
        kf_goals=goals,
        kf_indicators=indicators,
        deadline=model.deadline.isoformat() if model.deadline else None,
        model_kf_goal_ids=tuple(g.id for g in model.kf_goals),
    )


def _seal_values(meta: WorkbookMeta) -> dict[str, str]:
    values = meta.model_dump(mode="json", include=set(SEALED_FIELDS))
    return {name: "" if values[name] is None else str(values[name]) for name in SEALED_FIELDS}


def sealed(meta: WorkbookMeta) -> WorkbookMeta:
    """`meta` as it is written: its snapshot sealed with its identity, and that hash."""
    snapshot = meta.snapshot.model_copy(update={"sealed": _seal_values(meta)})
    return meta.model_copy(update={"snapshot": snapshot, "snapshot_sha256": snapshot.sha256()})


def broken_seal(meta: WorkbookMeta) -> list[tuple[str, str, str]]:
    """(field, sealed value, value now) of every identity field that no longer matches the
    seal; empty for an intact or unsealed workbook."""
    if meta.snapshot.sealed is None:
        return []
    now = _seal_values(meta)
    return [(name, value, now.get(name, "")) for name, value in meta.snapshot.sealed.items()
            if name in now and now[name].strip() != value.strip()]


def _chunks(text: str) -> list[str]:
    """`text` in pieces of at most `_CHUNK` UTF-16 units (an emoji counts twice)."""
    chunks, start = [], 0
    while start < len(text) or not chunks:
        end = start + _CHUNK
        while utf16_length(text[start:end]) > _CHUNK:
            end -= max(1, (utf16_length(text[start:end]) - _CHUNK) // 2)
        chunks.append(text[start:end])
        start = end
    return chunks


def meta_rows(meta: WorkbookMeta) -> list[tuple[str, Any]]:
    """`(Fält, Värde)` rows for the `_malark` sheet, below its header row (the snapshot
    sealed, see `sealed`)."""
    meta = sealed(meta)
    values = meta.model_dump(mode="json")
    rows: list[tuple[str, Any]] = [(name, values[name]) for name in META_FIELDS]
    rows.append((KIND_FIELD, meta.kind))
    rows.append((GUL_GRANS_FIELD, meta.gul_grans))
    rows.extend((name, values[name]) for name in TEMPLATE_FIELDS if values[name] is not None)
    rows.append((SNAPSHOT_HASH_FIELD, meta.snapshot_sha256))
    for number, chunk in enumerate(_chunks(meta.snapshot.to_json()), start=1):
        rows.append((f"{_SNAPSHOT_PREFIX}{number}", chunk))
    return rows


def gul_grans_row(rows: list[tuple[str, Any]]) -> int:
    """Excel row number (header = row 1) of the `gul_grans` value in `meta_rows` output."""
    return 2 + [name for name, _ in rows].index(GUL_GRANS_FIELD)


def meta_from_rows(rows: list[list[Any]]) -> WorkbookMeta:
    """Parse the `_malark` sheet's rows (header included). Raises `MetaError`."""
    fields: dict[str, Any] = {}
    chunks: dict[int, str] = {}
    for row in rows[1:]:
        if len(row) < 2 or not isinstance(row[0], str) or not row[0]:
            continue
        name, value = row[0].strip(), row[1]
        if name.startswith(_SNAPSHOT_PREFIX) and name[len(_SNAPSHOT_PREFIX):].isdigit():
            chunks[int(name[len(_SNAPSHOT_PREFIX):])] = "" if value is None else str(value)
        else:
            fields[name] = value
    missing = [n for n in (*META_FIELDS, GUL_GRANS_FIELD, SNAPSHOT_HASH_FIELD) if n not in fields]
    missing = [n for n in missing if n != "nämnd"]
    if missing or not chunks:
        names = missing or ["snapshot"]
        raise MetaError(("fältet " if len(names) == 1 else "fälten ") + ", ".join(names)
                        + " saknas i _malark")
    if isinstance(fields.get("format_version"), float):
        fields["format_version"] = int(fields["format_version"])
    if isinstance(fields.get("budgetår"), float):
        fields["budgetår"] = int(fields["budgetår"])
    if fields.get("nämnd") in ("", None):
        fields["nämnd"] = None
    for key in ("kommunkod", "model_fingerprint", "malark_version", "snapshot_sha256"):
        if isinstance(fields.get(key), float):
            fields[key] = str(int(fields[key]))
    first_chunk = f"{_SNAPSHOT_PREFIX}{min(chunks)}"
    try:
        fields["snapshot"] = Snapshot.model_validate_json("".join(chunks[k] for k in sorted(chunks)))
    except ValidationError as error:
        raise MetaError(f"ögonblicksbilden ({first_chunk}) i _malark kan inte tolkas",
                        first_chunk) from error
    try:
        return WorkbookMeta.model_validate(fields)
    except ValidationError as error:
        location = error.errors()[0]["loc"]
        name = str(location[0]) if location else None
        if name is None or name == "snapshot":
            raise MetaError(f"_malark kan inte tolkas ({error.error_count()} fel)") from error
        shown = "" if fields.get(name) is None else str(fields[name]).strip()
        raise MetaError(f"fältet {name} i _malark har värdet \"{shown}\", som inte kan tolkas",
                        name) from error


def format_version_of(rows: list[list[Any]]) -> Any:
    """The raw `format_version` value, read before anything else is trusted."""
    for row in rows[1:]:
        if row and row[0] == "format_version":
            return row[1] if len(row) > 1 else None
    return None

