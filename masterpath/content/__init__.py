"""Content packs: the plain-file format (YAML + Markdown), its validation and loading."""
