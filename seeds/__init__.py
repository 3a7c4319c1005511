"""The bundled default corpus: Hugging Face Daily Papers pages saved as text.

A package (not a bare data folder) so that ``importlib.resources`` finds the files in an installed wheel,
wherever site-packages lives, with no repository checkout present.
"""
