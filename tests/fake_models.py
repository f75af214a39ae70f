"""A test-only legal record: scoped, versioned, annullable, with personal data.

It proves the platform parts before the domains arrive. Its table (prefix test_) lives
outside the migrations and is created by the fixture that uses it.
"""

from __future__ import annotations

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.filters import UpravaInterface
from app.core.models import AnnulableMixin, VersionedMixin
from app.core.views import UpravaModelRestApi, UpravaModelView
from app.org.models import Body, Official
from app.security import Scope, read_only


class FakeRecord(AnnulableMixin, VersionedMixin, Model):
    __tablename__ = "test_record"
    # Seen by its receiving body and by its responsible body (as appeals will be).
    __scope__ = Scope(bodies=("body", "responsible_body"))
    __personal__ = ("applicant_name",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    applicant_name: Mapped[str | None] = mapped_column(String(200))
    body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"))
    responsible_body_id: Mapped[int | None] = mapped_column(ForeignKey("org_body.id"))
    body: Mapped[Body] = relationship(foreign_keys=[body_id])
    responsible_body: Mapped[Body | None] = relationship(foreign_keys=[responsible_body_id])

    def __repr__(self) -> str:
        return self.title


class FakeRecordView(UpravaModelView):
    datamodel = UpravaInterface(FakeRecord)
    class_permission_name = "FakeRecord"
    label_columns = {
        "title": "Заголовок",
        "applicant_name": "Заявитель",
        "body": "Орган",
        "responsible_body": "Ответственный орган",
    }
    list_columns = ["title", "body"]
    show_columns = add_columns = edit_columns = ["title", "applicant_name", "body", "responsible_body"]
    search_columns = ["title"]


class FakeRecordApi(UpravaModelRestApi):
    resource_name = "fakerecord"
    class_permission_name = "FakeRecord"
    datamodel = UpravaInterface(FakeRecord)
    list_columns = show_columns = ["id", "title", "body_id", "annulled_at", "annul_reason"]
    add_columns = edit_columns = ["title", "body"]


# ---- a record reached through collections and links to people (app.security.Scope) ----------

task_co_executor = Table(
    "test_task_co_executor",
    Model.metadata,
    Column("task_id", ForeignKey("test_task.id", ondelete="CASCADE"), primary_key=True),
    Column("body_id", ForeignKey("org_body.id"), primary_key=True),
)
task_observer = Table(
    "test_task_observer",
    Model.metadata,
    Column("task_id", ForeignKey("test_task.id", ondelete="CASCADE"), primary_key=True),
    Column("body_id", ForeignKey("org_body.id"), primary_key=True),
)


class FakeTask(AnnulableMixin, VersionedMixin, Model):
    """An instruction-like record: a responsible body, co-executing bodies who work it, observing
    bodies who only read it, an executor (a user) and a controller (an official)."""

    __tablename__ = "test_task"
    __scope__ = Scope(
        bodies=("responsible_body",),
        body_collections=("co_executors", read_only("observers")),
        users=("executor", "controller"),
    )
    __attachments__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    responsible_body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"))
    executor_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    controller_id: Mapped[int | None] = mapped_column(ForeignKey("org_official.id"))
    responsible_body: Mapped[Body] = relationship(foreign_keys=[responsible_body_id])
    executor: Mapped[User | None] = relationship(foreign_keys=[executor_id])
    controller: Mapped[Official | None] = relationship(foreign_keys=[controller_id])
    co_executors: Mapped[list[Body]] = relationship(secondary=task_co_executor)
    observers: Mapped[list[Body]] = relationship(secondary=task_observer)

    def __repr__(self) -> str:
        return self.title


TASK_TABLES = (FakeTask.__table__, task_co_executor, task_observer)


class FakeTaskView(UpravaModelView):
    datamodel = UpravaInterface(FakeTask)
    class_permission_name = "FakeTask"
    label_columns = {
        "title": "Заголовок",
        "responsible_body": "Ответственный орган",
        "co_executors": "Соисполнители",
        "observers": "Для сведения",
        "executor": "Исполнитель",
        "controller": "Контролёр",
    }
    list_columns = ["title", "responsible_body"]
    show_columns = add_columns = edit_columns = [
        "title",
        "responsible_body",
        "co_executors",
        "observers",
        "executor",
        "controller",
    ]
    search_columns = ["title"]


class FakeTaskApi(UpravaModelRestApi):
    resource_name = "faketask"
    class_permission_name = "FakeTask"
    datamodel = UpravaInterface(FakeTask)
    list_columns = show_columns = ["id", "title", "responsible_body_id", "co_executors.id", "observers.id", "version"]
    add_columns = edit_columns = ["title", "responsible_body", "co_executors", "observers", "executor", "controller"]
