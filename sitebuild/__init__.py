"""Code that extends the MkDocs build of the site; readers never import it.

* ``hooks.py`` is the one module MkDocs loads (``hooks:`` in ``mkdocs.yml``); it wires
  the others into the build's events and turns their errors into ``file:line`` messages.
* The rest are libraries, each with one job: ``frontmatter`` (guide metadata and its
  schema), ``guide_pages`` (header, related guides, learning path, page checks),
  ``links`` (internal links and anchors), ``self_check`` (the "Check yourself"
  sections and the flashcards page), ``page_checks`` (every check of one page, shared
  with ``make test-fast``), ``path_checks`` (glossary links and prerequisites against
  the learning path), ``install_lines`` (the reader's ``pip install`` lines and
  their coverage of a page's imports), ``downloads`` (the wheel and the lab downloads),
  ``blocks`` (reading and running a Markdown code block, shared with the tests),
  ``figures`` and ``labs`` (figures drawn and labs executed from code, each in a child
  process: run as ``python -m sitebuild.figures`` and ``python -m sitebuild.labs`` by
  the build itself), ``notebook_pages`` (a rendered
  lab made lean), ``maths`` (formulas typeset with KaTeX) and ``lighter_pages`` (lazy
  figures, lighter code markup).

Contributor scaffolding (``make new-guide``) lives in ``tools/``, not here.
"""
