"""``paperdeck.bench``: the benchmark (``python -m paperdeck.bench``) and its synthetic corpus.

Why its own package: it is a tool that drives both the engine and the app; living in neither keeps the engine
free of anything that reaches the TUI.
"""
