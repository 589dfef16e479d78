"""Build the upload workbooks the web offers: blank, or filled with the drafts the user may edit."""

from __future__ import annotations

from sqlalchemy import select

from ..domain.documents import Document
from ..extensions import db
from ..models import Filing, User
from ..renderers.upload_workbook import code_lists_from_reference, render_upload_workbook
from .filings import draft_document
from .reference import current_reference
from .workflow import EDITABLE_STATUSES


def editable_drafts(actor: User, kind: str) -> list[Document]:
    """Return the working drafts of ``kind`` of the enterprises the actor files for.

    Only their own: a draft is the enterprise's until submitted (issue 16 item 6), so a system administrator,
    who may import for any enterprise, gets the blank workbook.
    """
    query = select(Filing).where(Filing.kind == kind, Filing.status.in_(EDITABLE_STATUSES),
                                 Filing.enterprise_id.in_(actor.enterprise_ids() or {-1}))
    filings = db.session.scalars(query.order_by(Filing.enterprise_id, Filing.year)).all()
    return [draft_document(f) for f in filings]


def template_for(actor: User, kind: str, *, filled: bool) -> bytes:
    """Return the upload workbook of ``kind``: blank, or filled with the actor's editable drafts."""
    documents = editable_drafts(actor, kind) if filled else []
    return render_upload_workbook(kind, documents, code_lists=code_lists_from_reference(current_reference()))
