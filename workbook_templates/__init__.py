"""Workbook templates (SPEC 3c): one folder per template, `standard/` the one malark ships.

A municipality copies `standard/` with `malark mall kopiera DIR`, edits the copy
(`mall.toml`, `instruktioner.md`, an optional `logo.png`) and uses it with
`malark generate --mall DIR` or `Mall` in the model's `Inställningar`. See docs/mall.md.
This folder is installed inside the package as `malark.workbook_templates`.
"""
