"""Kolada (the municipal KPI database run by RKA) into the model's indicator history:
the API v3 client (`client`), what changes in `Indikatorvärden` (`plan`), editing the
model workbook in place (`model_edit`) and the command's run (`run`)."""
