"""Trace a text: which stored articles, across the whole library, share passages with it.

* ``index.py``: the library index, sentence fingerprints of every stored article (kept up to
  date when an article is saved; ``manage.py rebuild_index`` rebuilds it);
* ``service.py``: ``trace_text``, candidates from the index aligned with the text by the engine;
* ``jobs.py``: long texts and web pages traced by the background worker;
* ``views.py``: the trace page, a background trace's page and "make a story from this" (the
  API's ``/api/trace`` is in ``compare/api``).
"""
