import json
from sqlalchemy import select
from app.extensions import db
from app.demo import DEMO_USERS
from tests.conftest import login_client, make_test_app
from tests.security.world import build_world, visible_pk

def test_probe(app, database_url, tmp_path):
    a = make_test_app(database_url, UPRAVA_FILES_DIR=str(tmp_path / "files"))
    with a.app_context():
        db.engine.dispose()
    world = build_world(a)
    views = {v.endpoint: v for v in a.appbuilder.baseviews}
    rules = sorted(a.url_map.iter_rules(), key=lambda r: r.endpoint)
    out = {}
    import time
    t = time.time()
    n = 0
    for username in ["anonymous"] + [u.username for u in DEMO_USERS if u.username != "central"]:
        client = a.test_client() if username == "anonymous" else login_client(a, username)
        with a.app_context():
            user = a.appbuilder.sm.find_user(username=username)
            for rule in rules:
                if rule.endpoint in ("static", "appbuilder.static", "AuthDBView.logout", "SecurityApi.login", "SecurityApi.refresh", "AuthDBView.login"):
                    continue
                view = views.get(rule.endpoint.split(".")[0])
                model = getattr(getattr(view, "datamodel", None), "obj", None)
                args = {}
                for arg in rule.arguments:
                    if arg in ("pk",):
                        if model is not None:
                            rows = list(db.session.scalars(select(model).order_by(model.__mapper__.primary_key[0]).limit(60)))
                            row = visible_pk(model, user, rows) if user else (rows[0] if rows else None)
                            args[arg] = row.__mapper__.primary_key_from_instance(row)[0] if row is not None else 1
                        else:
                            args[arg] = world["appeal"]
                    elif arg == "attachment_id":
                        args[arg] = world["attachment"]
                    elif arg == "name":
                        acts = list(getattr(view, "actions", {}) or {})
                        args[arg] = acts[0] if acts else ("intake" if "report" in rule.endpoint.lower() else "nosuch")
                    elif arg == "filename":
                        args[arg] = "x.txt"
                    elif arg == "entity_type":
                        args[arg] = "appeals_appeal"
                    elif arg == "entity_id":
                        args[arg] = world["appeal"] if "upload" in rule.endpoint else 1
                    elif arg == "template_code":
                        args[arg] = "org_official_card"
                    elif arg == "version":
                        args[arg] = "v1"
                    elif arg == "locale":
                        args[arg] = "ru"
                    else:
                        args[arg] = "?"
                url = rule.build(args, append_unknown=False)[1]
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    kw = {"json": {}} if rule.rule.startswith("/api/") and method in ("POST", "PUT") else {}
                    r = client.open(url, method=method, **kw)
                    n += 1
                    loc = r.headers.get("Location", "")
                    code = str(r.status_code) + ("L" if r.status_code == 302 and "/login" in loc else "")
                    out.setdefault(f"{rule.endpoint} {method}", {})[username] = code
                    r.close()
                db.session.rollback()
    print("requests", n, "seconds", time.time() - t)
    with open("/tmp/probe.json", "w") as f:
        json.dump(out, f, indent=0, ensure_ascii=False)
