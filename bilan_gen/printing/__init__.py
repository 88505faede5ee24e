"""Printing the document de synthèse: one document model, one template, one stylesheet.

- :mod:`~bilan_gen.printing.document` prepares the document and renders its HTML (the
  site's print view and the PDF's page);
- :mod:`~bilan_gen.printing.pdf` turns that page into PDF bytes with WeasyPrint, imported
  only when a PDF is made (``bilan check`` never pays for it), and writes files atomically;
- :mod:`~bilan_gen.printing.batch` decides which dossiers may be printed and prints a batch
  on every core.
"""
