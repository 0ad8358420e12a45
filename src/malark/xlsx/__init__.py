"""Workbooks as files: safe opening and reading of untrusted xlsx (`safety`, `reader`),
tables with the source position of every value, `_malark` metadata, the goal model's own
workbook, and atomic writes. Imports only `malark.core`."""
