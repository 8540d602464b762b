from django.urls import path

from . import views

app_name = "commissioning"

urlpatterns = [
    path("", views.exercises, name="exercises"),
    path("<str:key>/", views.exercise, name="exercise"),
    path("<str:key>/evaluation/", views.evaluation, name="evaluation"),
]
