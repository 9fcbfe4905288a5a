"""The shipped rubric library: the top-level rubrics/ folder is installed inside the package
as `answer_evaluator/library/` (pyproject.toml maps it; setuptools' own package discovery
in pyproject.toml cannot add a package that lives outside src/, so the package list is
made here: every package under src/, found afresh at each build, plus the library)."""

from setuptools import find_packages, setup

setup(packages=find_packages("src") + ["answer_evaluator.library"])
