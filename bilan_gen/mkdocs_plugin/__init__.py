"""MkDocs adapter: the ``bilan`` plugin. Thin: it unpacks MkDocs objects and calls the core."""
