"""The Excel ribbon add-in: `build` writes `malark.xlam` (no Excel needed); `button` is the
thin xlwings layer behind the `Validera` button (`malark.main()`).

Importing this package imports neither xlwings nor pandas.
"""
