from django.urls import path

from paro import views

app_name = "paro"
urlpatterns = [
    path("<str:kind>/<int:pk>/consult/", views.consult, name="consult"),
]
