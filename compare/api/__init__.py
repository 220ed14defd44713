"""The read-only JSON API: stories, versions, alignments, and trace-a-text. Mounted at /api/.

Built with django-ninja, which writes the OpenAPI schema from these functions and schemas
(served at /api/openapi.json; docs page at /api/docs with Swagger UI from our own static files).

Who is calling
--------------
Only the ``Authorization`` header says: ``Bearer <token>`` or ``Token <token>`` with a token
made by ``python manage.py create_api_token`` (see ``accounts/tokens.py``). No header: an
anonymous caller, who sees public stories only. A header that is not a valid, unrevoked token
is refused with 401 whatever the request: a program with a broken token should find out
rather than silently get less. The session cookie is ignored on purpose: the API never acts
as the logged-in browser user. That is also why its one POST (trace) needs no CSRF token —
CSRF abuses a browser's cookies, and here cookies grant nothing (ninja exempts its views
from Django's CSRF check; only its cookie-based auth classes check it, and we use none).

What may be seen follows ``articles/access.py``: the caller's own stories and public ones. A
story the caller may not see is 404, exactly like one that does not exist.
"""

from .endpoints import api

__all__ = ["api"]
