"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from onboarding.extensions import db


def test_models_and_migrations_agree(app):
    """The suite's schema was built by `db upgrade`; any model change without a migration
    shows up here as a difference."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_upgrade_and_downgrade_run_from_the_command_line(tmp_path, database_url):
    """`flask db upgrade` on an empty SQLite file builds every table; downgrade removes them."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    from .conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'fresh.db'}")
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {t.name for t in db.metadata.sorted_tables} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
