"""Create the load test's clerks: load01…loadNN, each a copy of the demo user `appeals` (role and scope).

Separate accounts, because sign-in is throttled per user name and address: two hundred sessions of one
account from one address would be refused, as they should be. The password is hashed once (FAB's default
method, as production's) and the hash shared: two hundred hashes would take the set-up most of a minute.
"""

from __future__ import annotations

import sys

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app import create_app
from app.extensions import db
from app.org.models import Official
from app.org.services import set_profile
from app.security import ScopeLevel


def main(count: int, password: str) -> None:
    app = create_app("development")
    with app.app_context():
        sm = app.appbuilder.sm
        model = sm.find_user(username="appeals")
        profile = db.session.scalar(select(Official).where(Official.user_id == model.id))
        hashed = generate_password_hash(password)
        for n in range(1, count + 1):
            username = f"load{n:02d}"
            if sm.find_user(username=username):
                continue
            user = sm.add_user(
                username, "Нагрузка", f"Клерк {n}", f"{username}@load.invalid", model.roles, hashed_password=hashed
            )
            set_profile(user, profile.body, profile.position, ScopeLevel(profile.scope_level), profile.district)
        db.session.commit()
    print(f"{count} load users ready")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
