"""malark in the browser (SPEC 7b): `build` writes the static folder with the validator
page and the Office add-in, `serve` serves it on 127.0.0.1, `engine` is what runs inside
Pyodide, `runtime` fetches the pinned Pyodide and wheels.
"""
