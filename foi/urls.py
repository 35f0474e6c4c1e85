from django.urls import path

from foi import views

app_name = "foi"
urlpatterns = [
    path("<int:pk>/", views.foi_case, name="case"),
    path("<int:pk>/holder/", views.set_holder, name="holder"),
    path("<int:pk>/clarify/", views.clarify, name="clarify"),
    path("<int:pk>/clarified/", views.clarified, name="clarified"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/refuse/", views.refuse, name="refuse"),
    path("<int:pk>/disclosed/", views.disclosed, name="disclosed"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/review-decision/", views.review_decision, name="review_decision"),
    path("<int:pk>/copy/", views.disclosure_copy, name="copy"),
]
