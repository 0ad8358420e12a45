"""`malark validate`: a returned workbook read as a submission, every rule as a small check
(`checks/`), the text and JSON reports and the annotated copy. Imports `malark.xlsx` and
`malark.core`."""
