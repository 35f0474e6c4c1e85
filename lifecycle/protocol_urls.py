from django.urls import path

from lifecycle import protocol_views as views

app_name = "protocol"
urlpatterns = [
    path("", views.protocol_page, name="page"),
    path("new/", views.new_version, name="new_version"),
    path("acknowledge/", views.acknowledge, name="acknowledge"),
    path("readers/", views.readers, name="readers"),
]
