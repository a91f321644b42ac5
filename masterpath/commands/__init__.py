"""Command groups of the `masterpath` command that live in their own modules; masterpath/cli.py
adds each with one `main.add_command(...)` line."""
