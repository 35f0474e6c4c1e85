from django.urls import path

from incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("record/<str:kind>/", views.record, name="record"),
    path("settings/", views.settings_page, name="settings"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/step/", views.step, name="step"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/statement/", views.statement, name="statement"),
    path("<int:pk>/consult/", views.consult, name="consult"),
    path("<int:pk>/evidence/", views.add_evidence, name="add_evidence"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/reminder/", views.reminder, name="reminder"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
]
