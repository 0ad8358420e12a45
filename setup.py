"""Only what pyproject.toml cannot say: the package list.

`workbook_templates/` lives at the repository top, where a central office looks for it
(`malark mall kopiera` copies it), and is installed inside the package as
`malark.workbook_templates`, read with importlib.resources. setuptools' declarative
`packages.find` cannot add a package from outside `src/`, so the list is made here.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages("src"), "malark.workbook_templates"],
    package_dir={"": "src", "malark.workbook_templates": "workbook_templates"},
)
