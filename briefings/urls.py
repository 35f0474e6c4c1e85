from django.urls import path

from briefings import views

app_name = "briefings"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("prepare/<int:entry_pk>/", views.prepare, name="prepare"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("bookings/<int:pk>/step/", views.step, name="step"),
    path("events/", views.events, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    # Issue 13 (before event_action, whose <action> would take "edit" and "cancel").
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("materials/", views.material_list, name="materials"),
    path("materials/<int:pk>/", views.material_detail, name="material"),
    path("materials/<int:pk>/approve/", views.material_approve, name="material_approve"),
    path("materials/<int:pk>/withdraw/", views.material_withdraw, name="material_withdraw"),
    path("materials/<int:pk>/file/", views.material_file, name="material_file"),
    path("briefing-page/", views.briefing_page_edit, name="briefing_page"),
    path("events/<int:pk>/<str:action>/", views.event_action, name="event_action"),
    path("offer/", views.offer, name="offer"),
    path("offer/send/", views.offer_to_all, name="offer_to_all"),
    path("offer/<int:pk>/", views.offer_state, name="offer_state"),
    path("calendar.ics", views.calendar, name="calendar"),
    path("calendar/new-link/", views.calendar_reset, name="calendar_reset"),
    path("held/record/", views.record_held, name="record_held"),  # issue 13
]
