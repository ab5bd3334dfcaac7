"""Sessions kept in the database exactly as Django keeps them, read with a prepared query
(supportgroups.prepared): every signed-in request reads its session, and building that query
cost Django more than running it. Writing, ending and expiring sessions are Django's own."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .prepared import Prepared

_SESSION = Prepared(lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now))


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = _SESSION(self.session_key, timezone.now()) if self.session_key else []
        if not found:
            self._session_key = None
            return None
        return found[0]
