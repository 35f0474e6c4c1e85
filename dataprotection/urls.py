from django.urls import path

from dataprotection import views

app_name = "dataprotection"
urlpatterns = [
    path("", views.retention, name="retention"),
    path("retention-period/", views.retention_period, name="retention_period"),
    path("subject-access/", views.subject_access, name="subject_access"),
    path("subject-access/export/", views.subject_access_export, name="subject_access_export"),
    path("entries/<int:pk>/legal-hold/", views.legal_hold, name="legal_hold"),
]
