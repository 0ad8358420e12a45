"""`malark generate`: one protected committee workbook per nämnd, with what `--previous`
carries over from an earlier consolidation. Imports `malark.xlsx` and `malark.core`."""
