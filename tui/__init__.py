"""paperdeck.tui: the Textual app. Importing this package does not import Textual (the CLI starts fast)."""
