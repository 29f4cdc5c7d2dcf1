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


def test_upgrade_and_downgrade_run_from_the_command_line(tmp_path, other_app):
    """`flask db upgrade` on an empty SQLite file builds every table; downgrade removes them."""
    from sqlalchemy import inspect

    app = other_app(f"sqlite:///{tmp_path / 'fresh.db'}")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert {t.name for t in db.metadata.sorted_tables} <= tables
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    with app.app_context():
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
