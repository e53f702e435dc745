"""Real-tool quality gates: headless Chromium, axe-core and the Nu HTML checker.

This folder is a package so that its conftest.py is imported as `browser.conftest`
and does not replace the top-level `conftest` module that other tests import from.
"""
