"""`malark merge`: validate every returned workbook, give new rows ids and write the
consolidated workbook (data sheets, Översikt, Avvikelser, Inlämningar). Imports
`malark.generate`, `malark.validate` and below."""
