from django.urls import path

from candidates import views

app_name = "candidates"
urlpatterns = [
    path("", views.candidate_list, name="list"),
    path("add/", views.candidate_create, name="create"),
    path("sopn/", views.sopn_import, name="sopn_import"),
    path("sopn/confirm/", views.sopn_confirm, name="sopn_confirm"),
    path("<int:pk>/", views.candidate_detail, name="detail"),
    path("<int:pk>/edit/", views.candidate_edit, name="edit"),
    path("<int:pk>/status/", views.candidate_status, name="status"),
]
