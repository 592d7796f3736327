r"""All Thai text handling lives in this package.

Chunking, BM25, answer extraction, verification and metrics call these functions
and never split Thai themselves: a ``\w`` regex or a whitespace split shreds
unspaced Thai. Import from the modules:

- :mod:`rag.thai.normalize` — NFC and zero-width clean-up, canonical mark order,
  PDF glyph repair (:func:`~rag.thai.normalize.repair_pdf_text`), digit folding.
- :mod:`rag.thai.segment` — sentences, words and syllables (lazily loaded offline
  pythainlp engines), PDF line wraps, :func:`~rag.thai.segment.is_thai`.
- :mod:`rag.thai.match` — text matching: the one fold
  (:func:`~rag.thai.match.fold`) and its space-free and space-squeezed variants,
  the stop words, numbers, and the tokens keyword search uses (search, cached and
  index tokens).
- :mod:`rag.thai.years` — Buddhist-Era and Common-Era years as one year (B.E. =
  C.E. + 543), for keyword search and number matching.
- :mod:`rag.thai.glossary` — spellings of one meaning (abbreviations, full names,
  English terms), for expanding questions that are not mostly Thai.
- :mod:`rag.thai.clauses` — where a Thai clause may end (not after ``ร้อยละ``,
  ``จาก``, ``และ``…), for answer units and the mid-clause check.
"""
