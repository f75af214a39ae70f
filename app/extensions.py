"""Extension singletons, initialised in create_app()."""

from flask_appbuilder import Model
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

# Named constraints, so that later SQLite batch migrations can drop and alter them.
# FAB's own ab_* tables are built before this runs and keep their (stable) names.
Model.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Bound to FAB's Model.metadata so that Alembic sees ab_* and our tables in one place (FAB_NOTES #1).
db = SQLA(metadata=Model.metadata)
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
