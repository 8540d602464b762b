from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/services-hsds.json", views.hsds_services, name="hsds"),
    path("open-data/grants-360giving.json", views.threesixtygiving_grants, name="threesixtygiving"),
    path("open-data/exercises/<str:key>/ocds-tender.json", views.exercise_tender, name="ocds_tender"),
    path("open-data/ocds/extensions/netimpact/<path:name>", views.ocds_extension, name="ocds_extension"),
    # Officers only, after the deadline: the bids and their evaluation.
    path("exercises/<str:key>/ocds.json", views.exercise_release, name="ocds_release"),
]
