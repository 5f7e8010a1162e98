"""Tests of the notebooks: clean, headless Run All, a browser, Binder."""
