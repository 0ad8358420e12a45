"""`malark generate`: one protected committee workbook per nämnd, with what `--previous`
carries over from an earlier consolidation. Imports `malark.validate` (the rules' live
formulas), `malark.xlsx` and `malark.core`."""
