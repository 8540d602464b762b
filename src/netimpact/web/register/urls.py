from django.urls import path

from . import views

app_name = "register"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.organisations, name="organisations"),
    # Any of an organisation's Org-IDs finds it (GB-CHC-1234567, GB-COH-01234567, 360G-...).
    path("organisations/<str:org_id>/", views.organisation, name="organisation"),
    path("services/", views.services, name="services"),
    path("services/<str:key>/", views.service, name="service"),
    path("wards/", views.wards, name="wards"),
    path("wards/<str:code>/", views.ward, name="ward"),
    path("cohorts/", views.cohorts, name="cohorts"),
    path("cohorts/<str:key>/", views.cohort, name="cohort"),
]
