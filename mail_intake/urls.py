from django.urls import path

from mail_intake import views

app_name = "mail_intake"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.message_detail, name="message"),
    path("<int:pk>/original/", views.original, name="original"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/duplicate/", views.duplicate, name="duplicate"),
    path("<int:pk>/dismiss/", views.dismiss, name="dismiss"),
]
