from django.urls import path

from publishing import publication_views, views

app_name = "publishing"
urlpatterns = [
    path("", views.public_list, name="list"),
    path("prepare/entry/<int:entry_pk>/", views.prepare_entry, name="prepare"),
    path("prepare/meeting/<int:booking_pk>/", views.prepare_meeting, name="prepare_meeting"),
    path("prepare/event/<int:event_pk>/", views.prepare_event, name="prepare_event"),
    path("<int:pk>/", views.review, name="review"),
    path("<int:pk>/redact/", views.redact, name="redact"),
    path("<int:pk>/restore/<int:redaction_pk>/", views.restore, name="restore"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.return_to_draft, name="return"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path(
        "<int:pk>/corrections/<int:correction_pk>/approve/",
        views.approve_correction,
        name="approve_correction",
    ),
    path(
        "<int:pk>/corrections/<int:correction_pk>/reject/",
        views.reject_correction,
        name="reject_correction",
    ),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("runs/", views.publish_runs, name="runs"),
    path("runs/publish/", views.publish_now, name="publish_now"),
    # Publication deadline and the action taken (issue 13, items 1 and 2).
    path("deadlines/", publication_views.publication_deadlines, name="deadlines"),
    path(
        "not-for-publication/propose/<int:entry_pk>/",
        publication_views.propose_not_for_publication,
        name="propose_not_for_publication",
    ),
    path(
        "not-for-publication/<int:pk>/",
        publication_views.not_for_publication,
        name="not_for_publication",
    ),
    path("prepare/action/<int:entry_pk>/", publication_views.prepare_action, name="prepare_action"),
    path(
        "prepare/declined/<int:booking_pk>/",
        publication_views.prepare_declined,
        name="prepare_declined",
    ),
]
