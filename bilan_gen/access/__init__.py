"""Access codes as the consultant hands them over: which pages are published today and why
not (``publication``, the build's own rules), and the list ``bilan access`` prints
(``listing``). Codes themselves derive in :mod:`bilan_gen.publishing`."""
