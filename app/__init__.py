"""Application factory: extensions, AppBuilder, each domain's register(), CLI."""

from __future__ import annotations

import logging
import os

from flask import Flask
from flask_appbuilder import AppBuilder
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, Config, ProductionConfig

from .extensions import csrf, db, migrate

log = logging.getLogger(__name__)


def create_app(config: type[Config] | str | None = None) -> Flask:
    """Build one application; safe to call many times in one process (tests)."""
    if config is None or isinstance(config, str):
        name = config or os.environ.get("UPRAVA_ENV") or os.environ.get("FLASK_ENV") or "development"
        config = CONFIGS[name]
    if issubclass(config, ProductionConfig):
        config.validate()

    app = Flask(__name__, instance_path=config.INSTANCE_DIR)
    app.config.from_object(config)
    from .core.rest_dates import UpravaJSONProvider

    # JSON dates as ISO 8601, timestamps with the city's offset (not Flask's RFC 822 in GMT).
    app.json = UpravaJSONProvider(app)
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1, x_host=1
        )

    from . import ops

    ops.register(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    # Before AppBuilder: FAB exempts its API blueprints only if CSRFProtect already exists (FAB_NOTES S1).
    csrf.init_app(app)

    from . import appeals, control, events, housing, org, plans
    from .appeals import reference as appeals_reference
    from .core import (
        attachments,
        calendar,
        documents,
        export_log,
        install_russian_date_fields,
        jobs,
        numbering,
        pii_log_views,
        platform,
        register_core,
        reports,
    )
    from .core.menus import arrange as arrange_menus
    from .core.postgresql import install_postgresql_settings, keep_prepared_statements
    from .core.sqlite import install_sqlite_functions
    from .core.translations import install_fast_translation_context
    from .security import RESOURCES, build_fab_roles, login_rate_key, password_complexity

    domains = (
        platform,
        jobs,
        export_log,
        pii_log_views,
        calendar,
        documents,
        reports,
        attachments,
        numbering,
        org,
        appeals,
        appeals_reference,
        control,
        plans,
        events,
        housing,
    )
    # Built-in roles are computed from what the domains declare (app/security.py).
    app.config["FAB_ROLES"] = build_fab_roles(RESOURCES.values())
    app.config["RATELIMIT_KEY_FUNC"] = login_rate_key
    app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"] = password_complexity

    # Before any view builds its forms (FAB's security views build theirs at init).
    install_russian_date_fields()
    install_fast_translation_context()
    with app.app_context():
        install_sqlite_functions(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"], app.config["SQLITE_WAL"])
        install_postgresql_settings(db.engine, app.config.get("POSTGRESQL_SETTINGS", {}))
        keep_prepared_statements(db.engine)
        # A fresh AppBuilder per app: a module-level one skips views it has seen (FAB_NOTES #5).
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        register_core(app, appbuilder)
        for domain in domains:
            domain.register(appbuilder)
        # The bar's order and FAB's security views under «Администрирование» (app/core/menus.py).
        arrange_menus(appbuilder)

    from .cli import register_cli

    register_cli(app)
    return app
