from django.urls import path

from briefings import views, views_held

app_name = "briefings"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("prepare/<int:entry_pk>/", views.prepare, name="prepare"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("bookings/<int:pk>/step/", views.step, name="step"),
    path("events/", views.events, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/<str:action>/", views.event_action, name="event_action"),
    path("offer/", views.offer, name="offer"),
    path("offer/send/", views.offer_to_all, name="offer_to_all"),
    path("offer/<int:pk>/", views.offer_state, name="offer_state"),
    path("calendar.ics", views.calendar, name="calendar"),
    path("calendar/new-link/", views.calendar_reset, name="calendar_reset"),
    path("held/record/", views_held.record_held, name="record_held"),  # issue 13
]
