from django.urls import path

from lifecycle import views

app_name = "lifecycle"
urlpatterns = [
    path("", views.elections, name="elections"),
    path("close-down/", views.closedown, name="closedown"),
    path("close-down/report.pdf", views.report_pdf, name="report"),
]
