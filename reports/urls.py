from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("equal-treatment/", views.equal_treatment, name="equal_treatment"),
    path("equal-treatment.csv", views.equal_treatment_csv, name="equal_treatment_csv"),
    path("equal-treatment.pdf", views.equal_treatment_pdf, name="equal_treatment_pdf"),
]
