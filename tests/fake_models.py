"""A test-only legal record: scoped, versioned, annullable, with personal data.

It proves the platform parts before the domains arrive. Its table (prefix test_) lives
outside the migrations and is created by the fixture that uses it.
"""

from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.filters import UpravaInterface
from app.core.models import AnnulableMixin, VersionedMixin
from app.core.views import UpravaModelRestApi, UpravaModelView
from app.org.models import Body
from app.security import Scope


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
