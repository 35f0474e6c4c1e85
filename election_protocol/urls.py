"""URL configuration: every page here is a staff page and needs a login."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from election_protocol import health, views

admin.site.site_header = "Election SPOC configuration"
admin.site.site_title = "Election SPOC"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("non-working-days/", views.non_working_days, name="non_working_days"),
    path(
        "non-working-days/<int:pk>/delete/",
        views.non_working_day_delete,
        name="non_working_day_delete",
    ),
    path("candidates/", include("candidates.urls")),
    path("register/", include("requests_register.urls")),
    path("meetings/", include("briefings.urls")),
    path("publishing/", include("publishing.urls")),
    path("security/", include("security.urls")),
    path("data-protection/", include("dataprotection.urls")),
    path("mailbox/", include("mail_intake.urls")),
    path("incidents/", include("incidents.urls")),
    path("reports/", include("reports.urls")),
    path("paro/", include("paro.urls")),
    path("elections/", include("lifecycle.urls")),
    path("protocol/", include("lifecycle.protocol_urls")),
    path("foi/", include("foi.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # Open without a login (the view is login_not_required): Docker and monitors poll it.
    path("healthz", health.healthz, name="healthz"),
]

if settings.DEBUG:
    # The demo's public election page: the live version of the static site (publishing.site),
    # open to all like the real one. In production the web server serves the folder instead.
    from lifecycle.views import archived_site
    from publishing.views import public_site

    urlpatterns += [
        # An election's archived public page (issue 15): before the live site's catch-all.
        re_path(
            r"^election/archive/(?P<prefix>[A-Za-z0-9]{2,8})/(?P<path>.*)$",
            archived_site,
            name="archived_site",
        )
    ]
    urlpatterns += [re_path(r"^election/(?P<path>.*)$", public_site, name="public_site")]
