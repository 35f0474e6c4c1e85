from django.urls import path

from requests_register import export, views

app_name = "requests_register"
urlpatterns = [
    path("", views.register_list, name="list"),
    path("log/", views.log_entry, name="log"),
    path("log/from-email/", views.log_from_email, name="log_from_email"),
    path("my-work/", views.my_work, name="my_work"),
    path("parity/", views.parity, name="parity"),
    path("approvers/", views.deputies, name="deputies"),
    path("export.csv", export.export_csv, name="export_csv"),
    path("export.pdf", export.export_pdf, name="export_pdf"),
    path("attachments/<str:token>/", views.download_attachment, name="attachment"),
    path("<int:pk>/", views.entry_detail, name="detail"),
    path("<int:pk>/edit/", views.edit_entry, name="edit"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("<int:pk>/draft/", views.draft, name="draft"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/contribute/", views.contribute, name="contribute"),
    path("<int:pk>/note/", views.add_note, name="note"),
    path("<int:pk>/attachments/", views.add_attachments, name="attachments"),
    # Issue 13: owner, unassign and hand over, documents sent with the answer.
    path("<int:pk>/owner/", views.set_owner, name="owner"),
    path("<int:pk>/unassign/", views.unassign, name="unassign"),
    path("<int:pk>/reassign/", views.reassign, name="reassign"),
    path("<int:pk>/answer-documents/", views.add_answer_documents, name="answer_documents"),
    path(
        "<int:pk>/answer-documents/<str:token>/remove/",
        views.remove_answer_document,
        name="remove_answer_document",
    ),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path(
        "<int:pk>/proposals/<int:proposal_pk>/decide/",
        views.decide_proposal,
        name="decide_proposal",
    ),
    path(
        "answer-documents/<str:token>/",
        views.download_answer_document,
        name="answer_document",
    ),
]
